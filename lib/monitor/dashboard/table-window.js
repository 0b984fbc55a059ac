// The trial table's window: only the rows in view (and a few either side) are in the DOM, so a study
// of thousands of trials scrolls and updates as fast as one of fifty. Spacers above and below (a row
// in the table's thead and one in its tfoot) keep the scroll bar's length and position true.

/**
 * Rows [first, last) to render: those under the visible part of a scroll box of height viewHeight at
 * scrollTop, rows of rowHeight px starting `offset` px down, plus `overscan` rows either side.
 */
export function visibleRange(scrollTop, viewHeight, rowHeight, count, overscan = 8, offset = 0) {
  if (count <= 0) return { first: 0, last: 0 };
  const h = Math.max(1, rowHeight);
  const top = Math.max(0, scrollTop - offset);
  const first = Math.max(0, Math.min(count - 1, Math.floor(top / h) - overscan));
  const last = Math.min(count, Math.ceil((top + Math.max(0, viewHeight)) / h) + overscan);
  return { first, last: Math.max(first + 1, last) };
}

/** Up to this many rows, all are rendered. */
const WHOLE = 150;

/** Spacer rows for `table` inside scroll box `box`; returns { range(count), pad(first, last, count) }. */
export function createTableWindow(box, table, columns) {
  const spacer = (parent) => {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = columns;
    tr.append(td);
    parent.append(tr);
    return td;
  };
  const top = spacer(table.tHead);
  const bottom = spacer(table.tFoot ?? table.createTFoot());
  let rowHeight = 30;
  const setHeight = (td, px) => {
    const v = `${Math.round(px)}px`;
    if (td.style.height !== v) td.style.height = v;
    td.parentElement.hidden = px <= 0;
  };
  return {
    /** The rows to render for `count` rows in all. */
    range(count) {
      // A small table is drawn whole: cheap, and every row stays findable in the page.
      if (count <= WHOLE) return { first: 0, last: count };
      // The height of a row as drawn (all rows have one height: see style.css).
      const any = table.tBodies[0].rows[0];
      if (any && any.offsetHeight > 0) rowHeight = any.offsetHeight;
      const head = table.tHead.rows[0]?.offsetHeight ?? 0;
      return visibleRange(box.scrollTop, box.clientHeight - head, rowHeight, count, 8, 0);
    },
    /** Size the spacers for rows [first, last) of count rendered. */
    pad(first, last, count) {
      setHeight(top, first * rowHeight);
      setHeight(bottom, (count - last) * rowHeight);
    },
  };
}
