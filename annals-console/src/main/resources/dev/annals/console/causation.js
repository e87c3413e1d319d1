// Builds the causation tree of one correlation from metadata.causationId, client-side.

/**
 * Returns the roots of the tree: [{event, children: [...]}] and, for causes that are not events of
 * this correlation (e.g. a command id), a virtual node {cause: id, children}. An event's parent is
 * the event whose id, or whose metadata.commandId, equals its causationId. Children keep the order
 * of the input (the global log order). Cycles (bad metadata) cannot loop: each event is placed once.
 */
export function causationTree(events) {
  const nodes = new Map(events.map((e) => [e.id, { event: e, children: [] }]));
  const byCommand = new Map();
  for (const e of events) {
    const c = e.metadata && e.metadata.commandId;
    if (typeof c === 'string' && !byCommand.has(c)) {
      byCommand.set(c, nodes.get(e.id));
    }
  }
  const virtual = new Map();
  const roots = [];
  for (const e of events) {
    const node = nodes.get(e.id);
    const cause = e.metadata && e.metadata.causationId;
    let parent = null;
    if (typeof cause === 'string' && cause !== e.id) {
      parent = nodes.get(cause) || byCommand.get(cause) || null;
      if (parent === node || (parent && isDescendant(node, parent))) {
        parent = null;
      }
      if (!parent) {
        if (!virtual.has(cause)) {
          const v = { cause, children: [] };
          virtual.set(cause, v);
          roots.push(v);
        }
        parent = virtual.get(cause);
      }
    }
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function isDescendant(ancestor, node) {
  const stack = [...ancestor.children];
  while (stack.length) {
    const n = stack.pop();
    if (n === node) {
      return true;
    }
    stack.push(...n.children);
  }
  return false;
}
