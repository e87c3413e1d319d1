// Builds the causation tree of one correlation from metadata.causationId, client-side.

/**
 * Returns the roots of the tree. An event node is {event, children}; its parent is the event whose
 * id equals its metadata.causationId. A causationId that is no event of this correlation becomes a
 * virtual node {cause, command, children} shared by every event it caused: command is true when some
 * event carries it as metadata.commandId (the events one command wrote are siblings under it).
 * Events without a causationId are roots. Children keep the input order (the log's). Each event is
 * placed once, so bad metadata with a cycle cannot loop.
 */
export function causationTree(events) {
  const nodes = new Map(events.map((e) => [e.id, { event: e, children: [] }]));
  const commands = new Set(events.map((e) => e.metadata && e.metadata.commandId).filter((c) => typeof c === 'string'));
  const virtual = new Map();
  const roots = [];
  for (const e of events) {
    const node = nodes.get(e.id);
    const cause = e.metadata && e.metadata.causationId;
    let parent = null;
    if (typeof cause === 'string' && cause !== e.id) {
      parent = nodes.get(cause) || null;
      if (parent && isDescendant(node, parent)) {
        parent = null; // a cycle: keep the event reachable instead
      }
      if (!parent) {
        if (!virtual.has(cause)) {
          const v = { cause, command: commands.has(cause), children: [] };
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
    if (n.children) {
      stack.push(...n.children);
    }
  }
  return false;
}
