// The usage chart: per subscription, events delivered and throttled, today and this month, as
// horizontal bars in an inline SVG drawn here (no library). The numbers are also written beside
// the bars, described for screen readers, and in a table.
import {h, svg, fmtNumber, uid} from './dom.js';

const LABEL = 24;   // the subscription's name
const LINE = 18;    // a row's name and numbers, above its bar
const BAR = 14;
const ROW_GAP = 10;
const GROUP_GAP = 14;

// usage: the answer of GET /applications/{id}/usage. width: pixels available.
export function usageChart(usage, width) {
    const subs = usage.subscriptions || [];
    const titleId = uid('chart-title');
    const descId = uid('chart-desc');
    const w = Math.max(240, Math.floor(width));
    const max = Math.max(1, ...subs.map((s) => s.month.delivered + s.month.throttled));
    const height = subs.length * (LABEL + 2 * (LINE + BAR + ROW_GAP) + GROUP_GAP) + 22;
    const desc = subs.map((s) => `${s.api} ${s.version} (${s.policy}): today ${s.today.delivered} delivered, ` +
        `${s.today.throttled} throttled; this month ${s.month.delivered} delivered, ${s.month.throttled} throttled`).join('. ');
    const chart = svg('svg', {
        class: 'chart', width: w, height, viewBox: `0 0 ${w} ${height}`, role: 'img',
        'aria-labelledby': `${titleId} ${descId}`,
    },
    svg('title', {id: titleId}, `Events per subscription, today (${usage.day}) and this month (${usage.month}, UTC)`),
    svg('desc', {id: descId}, desc || 'No subscriptions'));
    let y = 0;
    for (const s of subs) {
        chart.append(svg('text', {x: 0, y: y + 16, class: 'chart-label'}, `${s.api} ${s.version} · ${s.policy}`));
        y += LABEL;
        for (const [name, counts] of [['Today', s.today], [`This month (${usage.month})`, s.month]]) {
            const delivered = Math.round((counts.delivered / max) * w);
            const throttled = Math.round((counts.throttled / max) * w);
            chart.append(
                svg('text', {x: 0, y: y + 13, class: 'chart-axis'}, name),
                svg('text', {x: w, y: y + 13, class: 'chart-value', 'text-anchor': 'end'},
                    `${fmtNumber(counts.delivered)} delivered · ${fmtNumber(counts.throttled)} throttled`));
            y += LINE;
            chart.append(
                svg('rect', {x: 0, y, width: w, height: BAR, rx: 3, class: 'chart-track'}),
                svg('rect', {x: 0, y, width: Math.max(delivered, counts.delivered ? 2 : 0), height: BAR, rx: 3, class: 'chart-delivered'}),
                svg('rect', {x: delivered, y, width: Math.max(throttled, counts.throttled ? 2 : 0), height: BAR, rx: 3, class: 'chart-throttled'}));
            y += BAR + ROW_GAP;
        }
        y += GROUP_GAP;
    }
    // The legend.
    chart.append(
        svg('rect', {x: 0, y: y + 2, width: 14, height: 14, rx: 2, class: 'chart-delivered'}),
        svg('text', {x: 20, y: y + 14, class: 'chart-axis'}, 'delivered'),
        svg('rect', {x: 100, y: y + 2, width: 14, height: 14, rx: 2, class: 'chart-throttled'}),
        svg('text', {x: 120, y: y + 14, class: 'chart-axis'}, 'throttled'));
    return chart;
}

export function usageTable(usage) {
    return h('table', {class: 'data'},
        h('caption', {}, `Events today (${usage.day}) and this month (${usage.month}), UTC`),
        h('thead', {}, h('tr', {},
            h('th', {scope: 'col'}, 'Subscription'),
            h('th', {scope: 'col'}, 'Today delivered'), h('th', {scope: 'col'}, 'Today throttled'),
            h('th', {scope: 'col'}, 'Month delivered'), h('th', {scope: 'col'}, 'Month throttled'))),
        h('tbody', {}, (usage.subscriptions || []).map((s) => h('tr', {},
            h('th', {scope: 'row'}, `${s.api} ${s.version} (${s.policy})`),
            h('td', {}, fmtNumber(s.today.delivered)), h('td', {}, fmtNumber(s.today.throttled)),
            h('td', {}, fmtNumber(s.month.delivered)), h('td', {}, fmtNumber(s.month.throttled))))));
}
