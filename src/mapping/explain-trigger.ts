import { segmentFql } from './segment-libs.js';

/** A condition of a trigger that an event did not meet, in FQL, with what the event holds there. */
export interface FailedCondition {
  condition: string;
  /** What the event has at the condition's field (undefined: the field is missing). */
  actual?: unknown;
}

interface FqlNode {
  type: string;
  operator: string;
  name?: string;
  value?: unknown;
  children?: FqlNode[];
}

/**
 * The parts of a trigger an event does not meet, found with Segment's own evaluator
 * (destination-subscriptions' validate) on each sub-condition and turned back into FQL with its
 * generateFql. For an `and`, the failing parts; for an `or`, the group, none of whose parts held.
 */
export function failedConditions(fql: string, event: unknown): FailedCondition[] {
  const lib = segmentFql();
  const tree = lib.parseFql(fql) as unknown as FqlNode & { error?: Error };
  if (tree.error || tree.type !== 'group') return [{ condition: fql }];
  const failed = failedIn(tree, event);
  // destination-subscriptions answers false for what it cannot evaluate; say the whole trigger then.
  return failed.length ? failed : [{ condition: fql }];
}

function failedIn(group: FqlNode, event: unknown): FailedCondition[] {
  const lib = segmentFql();
  const holds = (node: FqlNode) => lib.matches({ type: 'group', operator: 'and', children: [node] }, event);
  const text = (node: FqlNode) => lib.generateFql(node.type === 'group' ? node : { type: 'group', operator: 'and', children: [node] });
  if (group.operator !== 'and') return holds(group) ? [] : [{ condition: text(group) }];
  const out: FailedCondition[] = [];
  for (const child of group.children ?? []) {
    if (holds(child)) continue;
    if (child.type === 'group') out.push(...(child.operator === 'and' ? failedIn(child, event) : [{ condition: `(${text(child)})` }]));
    else out.push({ condition: text(child), actual: actualValue(child, event) });
  }
  return out;
}

/** What destination-subscriptions compares for a leaf condition. */
function actualValue(node: FqlNode, event: unknown): unknown {
  const e = (event ?? {}) as Record<string, unknown>;
  const dig = (root: unknown, path = '') => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
  switch (node.type) {
    case 'event-type':
      return e.type;
    case 'event':
      return e.event;
    case 'name':
      return e.name;
    case 'userId':
      return e.userId;
    case 'event-property':
      return dig(e.properties, node.name);
    case 'event-trait':
      return dig(e.traits, node.name);
    case 'event-context':
      return dig(e.context, node.name);
    default:
      return undefined;
  }
}
