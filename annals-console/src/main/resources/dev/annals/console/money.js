// Which numbers are money, and how to show them. The console hosts any domain, so it cannot know a
// field's unit; it follows a naming convention instead (the one the bank example uses, and the usual
// one for ledgers that keep money out of floating point):
//   a JSON integer is an amount in minor units (cents) when its key, or the key of the object that
//   holds it (a map of amounts by id, like "fees": {"<id>": 250}), names money: one of its words is
//   amount, balance, total, price, cost, fee, debit, credit, charge, refund, payment or cents, and
//   none is a counting word (count, id, version, position, number, index, rate, percent, days).
// So {"amount": 3500} and {"ledger": {"balance": 868476}} are 35.00 and 8,684.76; {"feeCount": 3}
// is not money. The raw number is always kept beside the money (JSON views) or in a title.

const MONEY_WORDS = new Set(['amount', 'balance', 'total', 'price', 'cost', 'fee', 'debit', 'credit', 'charge', 'refund', 'payment', 'cents']);
const COUNTING_WORDS = new Set(['count', 'id', 'version', 'position', 'number', 'index', 'rate', 'percent', 'days']);

/** 'balanceAfter' -> ['balance', 'after']; 'wrong_fee_amount' -> ['wrong', 'fee', 'amount']; plurals made singular. */
export function wordsOf(key) {
  return String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

/** Whether a key names money by the convention above. */
export function isMoneyKey(key) {
  if (key === null || key === undefined) {
    return false;
  }
  const words = wordsOf(key);
  return words.some((w) => MONEY_WORDS.has(w)) && !words.some((w) => COUNTING_WORDS.has(w));
}

/**
 * Whether value (found under key, inside an object found under parentKey) is an amount in minor
 * units. Numeric map keys (an id like a UUID or "transfer-T001714") defer to the parent's key.
 */
export function isMoney(value, key, parentKey) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return false;
  }
  return isMoneyKey(key) || (!looksLikeAWord(key) && isMoneyKey(parentKey));
}

function looksLikeAWord(key) {
  return typeof key === 'string' && /^[A-Za-z][A-Za-z_]*$/.test(key);
}

/** 868476 -> '8,684.76'; -3500 -> '−35.00' (a true minus sign); exact for any safe integer. */
export function formatMoney(minorUnits) {
  if (typeof minorUnits !== 'number' || !Number.isFinite(minorUnits)) {
    return '—';
  }
  const cents = Math.round(minorUnits);
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString('en-US');
  const frac = String(abs % 100).padStart(2, '0');
  return `${cents < 0 ? '−' : ''}${units}.${frac}`;
}

/** formatMoney with an explicit sign: '+35.00', '−35.00', '0.00'. */
export function formatMoneyDelta(minorUnits) {
  return minorUnits > 0 ? '+' + formatMoney(minorUnits) : formatMoney(minorUnits);
}

/**
 * The money field a state is best summed up by: the first integer leaf named 'balance' (depth
 * first), else the first money leaf. Returns {path: ['ledger', 'balance'], value} or null.
 */
export function headlineMoney(state) {
  const leaves = [];
  const walk = (v, path, key, parentKey) => {
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        walk(child, [...path, k], k, key);
      }
    } else if (isMoney(v, key, parentKey) && looksLikeAWord(key)) {
      leaves.push({ path, value: v });
    }
  };
  walk(state, [], null, null);
  return leaves.find((l) => wordsOf(l.path[l.path.length - 1]).includes('balance')) || leaves[0] || null;
}

/** The value at a path of keys, or undefined. */
export function valueAt(obj, path) {
  let v = obj;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !(k in v)) {
      return undefined;
    }
    v = v[k];
  }
  return v;
}

/** A jsonView annotator: the money reading of a number, or null. */
export function moneyNote(value, key, parentKey) {
  return isMoney(value, key, parentKey) ? formatMoney(value) : null;
}

/** The first money field in an event's data, as money ('35.00'), or ''. */
export function eventAmount(data) {
  if (!data || typeof data !== 'object') {
    return '';
  }
  for (const [k, v] of Object.entries(data)) {
    if (isMoney(v, k, null)) {
      return formatMoney(v);
    }
  }
  return '';
}
