'use strict';
/**
 * Evaluator of the sandbox's T-SQL predicates: binds an AST (parser.js) to a table's columns and
 * compiles it to a function of a row. Conditions give true | false | null (UNKNOWN, three-valued
 * logic); scalars give `{ v, type }` (values.js). Binding fails with SQL Server's wording: an unknown
 * column (207), a function with the wrong number of arguments (174), an unknown function (195).
 */
const { SqlError } = require('./lexer');
const {
	compareSame,
	convertTo,
	dateAdd,
	dateDiff,
	likeToRegExp,
	toText,
	unify,
} = require('./values');

const isNull = (x) => x.type === 'null' || x.v === null;

/** `columns`: [{ name, type }]; `ctx`: { dateFormat, now }. Returns (row) => true | false | null. */
function compileCondition(node, columns, ctx) {
	const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
	const scalar = (n) => compileScalar(n, byName, ctx);
	const condition = (n) => {
		switch (n.k) {
			case 'or': {
				const l = condition(n.left);
				const r = condition(n.right);
				return (row) => {
					const a = l(row);
					if (a === true) return true;
					const b = r(row);
					if (b === true) return true;
					return a === null || b === null ? null : false;
				};
			}
			case 'and': {
				const l = condition(n.left);
				const r = condition(n.right);
				return (row) => {
					const a = l(row);
					if (a === false) return false;
					const b = r(row);
					if (b === false) return false;
					return a === null || b === null ? null : true;
				};
			}
			case 'not': {
				const inner = condition(n.expr);
				return (row) => {
					const v = inner(row);
					return v === null ? null : !v;
				};
			}
			case 'compare':
				return compare(n.op, scalar(n.left), scalar(n.right), ctx);
			case 'like':
				return negated(n.negate, like(scalar(n.expr), scalar(n.pattern), n.escape));
			case 'in':
				return negated(n.negate, inList(scalar(n.expr), n.items.map(scalar), ctx));
			case 'between':
				return negated(n.negate, between(scalar(n.expr), scalar(n.low), scalar(n.high), ctx));
			case 'isNull': {
				const expr = scalar(n.expr);
				return (row) => (n.not ? !isNull(expr(row)) : isNull(expr(row)));
			}
			default:
				throw new SqlError(`Unknown condition node '${n.k}'.`);
		}
	};
	return condition(node);
}

function negated(negate, f) {
	if (!negate) return f;
	return (row) => {
		const v = f(row);
		return v === null ? null : !v;
	};
}

function compare(op, left, right, ctx) {
	return (row) => {
		const [a, b, type] = unify(left(row), right(row), ctx);
		if (type === 'null' || a === null || b === null) return null;
		const c = compareSame(a, b, type);
		switch (op) {
			case '=':
				return c === 0;
			case '<>':
			case '!=':
				return c !== 0;
			case '<':
				return c < 0;
			case '!>':
			case '<=':
				return c <= 0;
			case '>':
				return c > 0;
			default: // '>=', '!<'
				return c >= 0;
		}
	};
}

function like(left, pattern, escape) {
	const cache = new Map();
	return (row) => {
		const a = left(row);
		const b = pattern(row);
		if (isNull(a) || isNull(b)) return null;
		const text = toText(a.v, a.type);
		const pat = toText(b.v, b.type);
		let re = cache.get(pat);
		if (!re) cache.set(pat, (re = likeToRegExp(pat, escape)));
		return re.test(text.replace(/ +$/, '')) || re.test(text);
	};
}

function inList(left, items, ctx) {
	return (row) => {
		const a = left(row);
		if (isNull(a)) return null;
		let sawNull = false;
		for (const item of items) {
			const [x, y, type] = unify(a, item(row), ctx);
			if (type === 'null' || x === null || y === null) {
				sawNull = true;
				continue;
			}
			if (compareSame(x, y, type) === 0) return true;
		}
		return sawNull ? null : false;
	};
}

function between(left, low, high, ctx) {
	return (row) => {
		const v = left(row);
		const [a1, b1, t1] = unify(v, low(row), ctx);
		const [a2, b2, t2] = unify(v, high(row), ctx);
		const ge = t1 === 'null' || a1 === null || b1 === null ? null : compareSame(a1, b1, t1) >= 0;
		const le = t2 === 'null' || a2 === null || b2 === null ? null : compareSame(a2, b2, t2) <= 0;
		if (ge === false || le === false) return false;
		return ge === null || le === null ? null : true;
	};
}

function compileScalar(node, byName, ctx) {
	const scalar = (n) => compileScalar(n, byName, ctx);
	switch (node.k) {
		case 'literal': {
			const value = node.value;
			return () => value;
		}
		case 'column': {
			const column = byName.get(node.name.toLowerCase());
			if (!column) throw new SqlError(`Invalid column name '${node.name}'.`, 207);
			const { name, type } = column;
			return (row) => {
				const v = row[name];
				return { v: v === undefined ? null : v, type };
			};
		}
		case 'negate': {
			const inner = scalar(node.expr);
			return (row) => {
				const v = inner(row);
				return v.v === null ? v : { v: -v.v, type: v.type };
			};
		}
		case 'binary': {
			const l = scalar(node.left);
			const r = scalar(node.right);
			const op = node.op;
			return (row) => {
				const a = l(row);
				const b = r(row);
				if (isNull(a) || isNull(b)) return { v: null, type: a.type === 'null' ? b.type : a.type };
				if (op === '+' && a.type === 'string' && b.type === 'string')
					return { v: String(a.v) + String(b.v), type: 'string' };
				const [x, y, type] = unify(a, b, ctx);
				if (type === 'string') return { v: String(x) + String(y), type };
				return { v: op === '+' ? x + y : x - y, type };
			};
		}
		case 'call':
			return compileCall(node, node.args.map(scalar), ctx);
		default:
			throw new SqlError(`Unknown scalar node '${node.k}'.`);
	}
}

function compileCall(node, args, ctx) {
	const { name, castType, datePart } = node;
	const arity = (n) => {
		if (args.length !== n)
			throw new SqlError(`The ${name.toLowerCase()} function requires ${n} argument(s).`, 174);
	};
	switch (name) {
		case 'GETDATE':
		case 'SYSDATETIME':
		case 'CURRENT_TIMESTAMP':
			arity(0);
			return () => ({ v: typeof ctx.now === 'function' ? ctx.now() : ctx.now, type: 'datetime' });
		case 'ISNULL':
			arity(2);
			return (row) => {
				const a = args[0](row);
				if (a.v !== null && a.type !== 'null') return a;
				const b = args[1](row);
				if (a.type === 'null') return b;
				return { v: convertTo(b.v, b.type, a.type, ctx), type: a.type };
			};
		case 'COALESCE':
			return (row) => {
				for (const f of args) {
					const v = f(row);
					if (!isNull(v)) return v;
				}
				return { v: null, type: 'null' };
			};
		case 'CONVERT':
		case 'CAST':
			return (row) => {
				const a = args[0](row);
				if (isNull(a)) return { v: null, type: castType.type };
				let v = convertTo(a.v, a.type, castType.type, ctx);
				if (castType.dateOnly && v !== null) v = Math.floor(v / 86400000) * 86400000;
				return { v, type: castType.type };
			};
		case 'DATEADD':
			return (row) => {
				const n = args[0](row);
				const d = args[1](row);
				if (n.v === null || d.v === null) return { v: null, type: 'datetime' };
				return {
					v: dateAdd(datePart, Number(n.v), convertTo(d.v, d.type, 'datetime', ctx)),
					type: 'datetime',
				};
			};
		case 'DATEDIFF':
			return (row) => {
				const a = args[0](row);
				const b = args[1](row);
				if (a.v === null || b.v === null) return { v: null, type: 'int' };
				return {
					v: dateDiff(
						datePart,
						convertTo(a.v, a.type, 'datetime', ctx),
						convertTo(b.v, b.type, 'datetime', ctx),
					),
					type: 'int',
				};
			};
		case 'YEAR':
		case 'MONTH':
		case 'DAY':
			arity(1);
			return (row) => {
				const a = args[0](row);
				if (a.v === null) return { v: null, type: 'int' };
				const d = new Date(convertTo(a.v, a.type, 'datetime', ctx));
				return {
					v:
						name === 'YEAR'
							? d.getUTCFullYear()
							: name === 'MONTH'
								? d.getUTCMonth() + 1
								: d.getUTCDate(),
					type: 'int',
				};
			};
		case 'LOWER':
		case 'UPPER':
		case 'LTRIM':
		case 'RTRIM':
		case 'LEN':
			arity(1);
			return (row) => {
				const a = args[0](row);
				if (a.v === null) return { v: null, type: name === 'LEN' ? 'int' : 'string' };
				const s = toText(a.v, a.type);
				if (name === 'LOWER') return { v: s.toLowerCase(), type: 'string' };
				if (name === 'UPPER') return { v: s.toUpperCase(), type: 'string' };
				if (name === 'LTRIM') return { v: s.replace(/^ +/, ''), type: 'string' };
				if (name === 'RTRIM') return { v: s.replace(/ +$/, ''), type: 'string' };
				return { v: s.replace(/ +$/, '').length, type: 'int' };
			};
		default:
			throw new SqlError(
				`'${name.toLowerCase()}' is not a recognized built-in function name.`,
				195,
			);
	}
}

module.exports = { compileCondition };
