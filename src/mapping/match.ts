/**
 * destination-subscriptions' `validate` (1.x, src/validate.ts) for one condition tree, made into
 * closures once: `validate` walks the tree per event with an `every`/`some` callback per group,
 * splits each property path with a regular expression and converts the value it compares with,
 * all per event; that was most of the route stage's garbage. Same order of tests, same
 * short-circuits, same comparisons. test/unit/trigger.test.ts compares both over its triggers.
 */
export interface MatchCondition {
  type: string;
  operator: string;
  name?: string;
  value?: unknown;
  children?: MatchCondition[];
  error?: unknown;
}

type Matcher = (data: any) => boolean;

/** `validate(root, event)`. */
export function compileMatcher(root: MatchCondition): (event: unknown) => boolean {
  if (root.error) return () => false;
  const group = groupMatcher(root);
  return (event) => (typeof event === 'undefined' ? false : group(event));
}

function groupMatcher(c: MatchCondition): Matcher {
  if (c.operator !== 'and' && c.operator !== 'or') return () => false;
  // validate calls children.every or .some: without an array it fails on every event, and so must this.
  if (!Array.isArray(c.children)) {
    return () => {
      throw new TypeError(`a trigger's ${c.operator} group has no list of conditions`);
    };
  }
  const children = c.children.map(conditionMatcher);
  if (c.operator === 'and') {
    return (data) => {
      for (const f of children) if (!f(data)) return false;
      return true;
    };
  }
  return (data) => {
    for (const f of children) if (f(data)) return true;
    return false;
  };
}

function conditionMatcher(c: MatchCondition): Matcher {
  const test = valueTest(c.operator, c.value);
  switch (c.type) {
    case 'event-type':
      return (data) => test(data.type);
    case 'event':
      return (data) => test(data.event);
    case 'name':
      return (data) => test(data.name);
    case 'userId':
      return (data) => test(data.userId);
    case 'event-property': {
      const get = getter(c.name);
      return (data) => test(get(data.properties));
    }
    case 'event-trait': {
      const get = getter(c.name);
      return (data) => test(get(data.traits));
    }
    case 'event-context': {
      const get = getter(c.name);
      return (data) => test(get(data.context));
    }
    case 'group':
      return groupMatcher(c);
    default:
      return () => false;
  }
}

/** destination-subscriptions' `get(object, path)` with the path split once. */
function getter(path: string | undefined): (object: any) => unknown {
  if (!path) return () => undefined;
  const parts = path.match(/([^[.\]])+/g);
  // No part at all: `get` fails on each call (null.reduce), and so must this. Our parser refuses
  // such names (trigger.ts); this keeps the matcher validate's equal for any tree.
  if (parts === null) {
    return () => {
      throw new TypeError(`the trigger's property name '${path}' names no property`);
    };
  }
  return (object) => {
    let o = object;
    for (const k of parts) o = o && o[k];
    return o;
  };
}

function valueTest(operator: string, expected: unknown): (actual: unknown) => boolean {
  // Both conversions are of a literal of the trigger: the same for every event.
  const s = String(expected);
  const n = Number(expected);
  switch (operator) {
    case '=':
      return (actual) => actual === s;
    case 'number_equals':
      return (actual) => typeof actual === 'number' && Number(actual) === n;
    case '!=':
      return (actual) => actual !== s;
    case 'number_not_equals':
      return (actual) => typeof actual === 'number' && Number(actual) !== n;
    case '<':
      return (actual) => typeof actual === 'number' && Number(actual) < n;
    case '<=':
      return (actual) => typeof actual === 'number' && Number(actual) <= n;
    case '>':
      return (actual) => typeof actual === 'number' && Number(actual) > n;
    case '>=':
      return (actual) => typeof actual === 'number' && Number(actual) >= n;
    case 'contains':
      return (actual) => typeof actual === 'string' && actual.includes(s);
    case 'not_contains':
      return (actual) => typeof actual === 'string' && !actual.includes(s);
    case 'starts_with':
      return (actual) => typeof actual === 'string' && actual.startsWith(s);
    case 'not_starts_with':
      return (actual) => typeof actual === 'string' && !actual.startsWith(s);
    case 'ends_with':
      return (actual) => typeof actual === 'string' && actual.endsWith(s);
    case 'not_ends_with':
      return (actual) => typeof actual === 'string' && !actual.endsWith(s);
    case 'exists':
      return (actual) => actual !== undefined && actual !== null;
    case 'not_exists':
      return (actual) => actual === undefined || actual === null;
    case 'is_true':
      return (actual) => typeof actual === 'boolean' && actual === true;
    case 'is_false':
      return (actual) => typeof actual === 'boolean' && actual === false;
    default:
      return () => false;
  }
}
