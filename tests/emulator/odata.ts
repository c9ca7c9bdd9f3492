/**
 * The OData query options the emulated endpoints support: `$filter` (comparisons, and/or/not, parentheses, `in`,
 * startswith/endswith/contains, type casts in paths and `any()`/`all()` lambdas — the documented forms of reference
 * §3.2, §3.7, §5), `$select`, `$orderby`, `$top` and `$skiptoken` paging.
 */
import { unsupportedQuery } from "./errors";
import type { JsonObject, JsonValue } from "./types";

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "ident"; value: string }
  | { kind: "punct"; value: "(" | ")" | "," | "/" | ":" };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= src.length) throw unsupportedQuery(`Invalid filter clause: unterminated string literal.`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += src[i++];
      }
      out.push({ kind: "string", value });
    } else if ("(),/:".includes(c)) {
      out.push({ kind: "punct", value: c as "(" | ")" | "," | "/" | ":" });
      i++;
    } else {
      const m = /^[A-Za-z0-9_.$@+-]+/.exec(src.slice(i));
      if (!m) throw unsupportedQuery(`Invalid filter clause: unexpected character '${c}'.`);
      const word = m[0];
      i += word.length;
      if (GUID.test(word)) out.push({ kind: "string", value: word });
      else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ kind: "number", value: Number(word) });
      else out.push({ kind: "ident", value: word });
    }
  }
  return out;
}

export type FilterNode =
  | { type: "literal"; value: JsonValue }
  | { type: "path"; segments: string[] }
  | { type: "lambda"; segments: string[]; op: "any" | "all"; variable: string | undefined; body: FilterNode | undefined }
  | { type: "compare"; op: "eq" | "ne" | "gt" | "ge" | "lt" | "le"; left: FilterNode; right: FilterNode }
  | { type: "in"; left: FilterNode; values: FilterNode[] }
  | { type: "logical"; op: "and" | "or"; left: FilterNode; right: FilterNode }
  | { type: "not"; operand: FilterNode }
  | { type: "call"; name: "startswith" | "endswith" | "contains"; args: FilterNode[] };

const COMPARE = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) this.fail();
    return node;
  }

  private fail(): never {
    throw unsupportedQuery("Invalid filter clause");
  }
  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === "ident" && t.value.toLowerCase() === word;
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === "punct" && t.value === p;
  }
  private expectPunct(p: string): void {
    if (!this.isPunct(p)) this.fail();
    this.pos++;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isWord("or")) {
      this.pos++;
      left = { type: "logical", op: "or", left, right: this.and() };
    }
    return left;
  }
  private and(): FilterNode {
    let left = this.unary();
    while (this.isWord("and")) {
      this.pos++;
      left = { type: "logical", op: "and", left, right: this.unary() };
    }
    return left;
  }
  private unary(): FilterNode {
    if (this.isWord("not")) {
      this.pos++;
      return { type: "not", operand: this.unary() };
    }
    if (this.isPunct("(")) {
      this.pos++;
      const inner = this.or();
      this.expectPunct(")");
      return inner;
    }
    const left = this.operand();
    const t = this.peek();
    if (t?.kind === "ident" && COMPARE.has(t.value.toLowerCase())) {
      this.pos++;
      const op = t.value.toLowerCase() as "eq" | "ne" | "gt" | "ge" | "lt" | "le";
      return { type: "compare", op, left, right: this.operand() };
    }
    if (this.isWord("in")) {
      this.pos++;
      this.expectPunct("(");
      const values: FilterNode[] = [this.operand()];
      while (this.isPunct(",")) {
        this.pos++;
        values.push(this.operand());
      }
      this.expectPunct(")");
      return { type: "in", left, values };
    }
    if (left.type === "lambda" || left.type === "call" || left.type === "path") return left;
    return this.fail();
  }
  private operand(): FilterNode {
    const t = this.peek();
    if (!t) return this.fail();
    if (t.kind === "string" || t.kind === "number") {
      this.pos++;
      return { type: "literal", value: t.value };
    }
    if (t.kind !== "ident") return this.fail();
    const lower = t.value.toLowerCase();
    if (lower === "true" || lower === "false" || lower === "null") {
      this.pos++;
      return { type: "literal", value: lower === "null" ? null : lower === "true" };
    }
    if ((lower === "startswith" || lower === "endswith" || lower === "contains") && this.tokens[this.pos + 1]?.kind === "punct" && this.tokens[this.pos + 1].value === "(") {
      this.pos += 2;
      const args = [this.operand()];
      while (this.isPunct(",")) {
        this.pos++;
        args.push(this.operand());
      }
      this.expectPunct(")");
      return { type: "call", name: lower, args };
    }
    return this.path();
  }
  private path(): FilterNode {
    const segments: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.kind !== "ident") return this.fail();
      const lower = t.value.toLowerCase();
      const next = this.tokens[this.pos + 1];
      if (segments.length > 0 && (lower === "any" || lower === "all") && next?.kind === "punct" && next.value === "(") {
        this.pos += 2;
        if (this.isPunct(")")) {
          this.pos++;
          return { type: "lambda", segments, op: lower, variable: undefined, body: undefined };
        }
        const v = this.peek();
        if (v?.kind !== "ident") return this.fail();
        this.pos++;
        this.expectPunct(":");
        const body = this.or();
        this.expectPunct(")");
        return { type: "lambda", segments, op: lower, variable: v.value, body };
      }
      segments.push(t.value);
      this.pos++;
      if (!this.isPunct("/")) break;
      this.pos++;
    }
    return { type: "path", segments };
  }
}

export function parseFilter(src: string): FilterNode {
  return new Parser(tokenize(src)).parse();
}

/** `microsoft.graph.X` / `graph.X` → `x` (lower case type name); undefined when the segment is not a cast. */
export function castName(segment: string): string | undefined {
  const m = /^(?:microsoft\.)?graph\.(.+)$/i.exec(segment);
  return m ? m[1].toLowerCase() : undefined;
}

function typeMatches(value: JsonValue | undefined, typeName: string): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const t = value["@odata.type"];
  return typeof t === "string" && t.toLowerCase().replace(/^#/, "").replace(/^microsoft\.graph\./, "") === typeName;
}

function getProp(obj: JsonValue | undefined, name: string): JsonValue | undefined {
  if (obj === null || obj === undefined || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

type Scope = Map<string, JsonValue>;

function walk(segments: string[], root: JsonValue, scope: Scope): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  let start = 0;
  if (scope.has(segments[0])) {
    current = scope.get(segments[0]);
    start = 1;
  }
  for (let i = start; i < segments.length; i++) {
    const cast = castName(segments[i]);
    if (cast !== undefined) {
      if (!typeMatches(current, cast)) return undefined;
      continue;
    }
    current = getProp(current, segments[i]);
  }
  return current;
}

function evalOperand(node: FilterNode, root: JsonValue, scope: Scope): JsonValue | undefined {
  switch (node.type) {
    case "literal":
      return node.value;
    case "path":
      return walk(node.segments, root, scope);
    default:
      return evaluate(node, root, scope);
  }
}

function compare(a: JsonValue | undefined, b: JsonValue | undefined): number | undefined {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === "string" && typeof b === "string") {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === b) return 0;
  return undefined;
}

function evaluate(node: FilterNode, root: JsonValue, scope: Scope): boolean {
  switch (node.type) {
    case "logical": {
      const l = evaluate(node.left, root, scope);
      return node.op === "and" ? l && evaluate(node.right, root, scope) : l || evaluate(node.right, root, scope);
    }
    case "not":
      return !evaluate(node.operand, root, scope);
    case "compare": {
      const c = compare(evalOperand(node.left, root, scope), evalOperand(node.right, root, scope));
      switch (node.op) {
        case "eq":
          return c === 0;
        case "ne":
          return c !== 0;
        case "gt":
          return c !== undefined && c > 0;
        case "ge":
          return c !== undefined && c >= 0;
        case "lt":
          return c !== undefined && c < 0;
        case "le":
          return c !== undefined && c <= 0;
      }
      return false;
    }
    case "in": {
      const l = evalOperand(node.left, root, scope);
      return node.values.some((v) => compare(l, evalOperand(v, root, scope)) === 0);
    }
    case "call": {
      const [a, b] = node.args.map((x) => evalOperand(x, root, scope));
      if (typeof a !== "string" || typeof b !== "string") return false;
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return node.name === "startswith" ? x.startsWith(y) : node.name === "endswith" ? x.endsWith(y) : x.includes(y);
    }
    case "lambda": {
      const coll = walk(node.segments, root, scope);
      if (!Array.isArray(coll)) return false;
      if (!node.body || !node.variable) return node.op === "any" ? coll.length > 0 : true;
      const body = node.body;
      const variable = node.variable;
      const test = (item: JsonValue): boolean => evaluate(body, root, new Map(scope).set(variable, item));
      return node.op === "any" ? coll.some(test) : coll.every(test);
    }
    case "path": {
      return walk(node.segments, root, scope) === true;
    }
    case "literal":
      return node.value === true;
  }
}

export function matchesFilter(filter: FilterNode, item: JsonObject): boolean {
  return evaluate(filter, item, new Map());
}

export function applySelect(item: JsonObject, select: string | undefined): JsonObject {
  if (!select) return item;
  const wanted = new Set(select.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(item)) {
    if (k.startsWith("@odata.") || wanted.has(k.toLowerCase())) out[k] = v;
  }
  return out;
}

export function applyOrderBy(items: JsonObject[], orderBy: string | undefined): JsonObject[] {
  if (!orderBy) return items;
  const [prop, dir] = orderBy.trim().split(/\s+/);
  const sign = dir?.toLowerCase() === "desc" ? -1 : 1;
  return [...items].sort((a, b) => sign * (compare(getProp(a, prop), getProp(b, prop)) ?? 0));
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64url");
}

export function decodeSkipToken(token: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new (class extends Error {})("bad token");
  return Number(m[1]);
}
