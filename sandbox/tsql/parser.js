'use strict';
/**
 * T-SQL predicate parser for the sandbox: tokens → AST. It knows the grammar, not the table: column
 * names and function arity are checked by the evaluator, as SQL Server parses a batch before it binds
 * names (a syntax error is reported before an unknown column).
 *
 * Conditions:  { k: 'or'|'and', left, right }  { k: 'not', expr }
 *              { k: 'compare', op, left, right }  { k: 'like', negate, expr, pattern, escape }
 *              { k: 'in', negate, expr, items }  { k: 'between', negate, expr, low, high }
 *              { k: 'isNull', not, expr }
 * Scalars:     { k: 'literal', value: { v, type } }  { k: 'column', name, token }
 *              { k: 'binary', op: '+'|'-', left, right }  { k: 'negate', expr }
 *              { k: 'call', name, args, castType?, datePart? }
 */
const { SqlError, tokenize, STATEMENT_WORDS } = require('./lexer');
const { sqlType } = require('./values');

const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>=', '!<', '!>'];

function parse(text) {
	const source = String(text || '').trim();
	if (source === '') return null;
	const tokens = tokenize(source);
	let p = 0;
	const peek = (o = 0) => tokens[p + o];
	const near = (tok) =>
		tok ? (tok.t === 'str' ? `'${tok.v}'` : tok.v) : source.split(/\s+/).pop();
	const syntax = (tok) =>
		new SqlError(`Incorrect syntax near ${tok ? `'${tok.v}'` : 'the end of the filter'}.`);
	const isOp = (v, o = 0) => peek(o) && peek(o).t === 'op' && peek(o).v === v;
	const isKw = (v, o = 0) => peek(o) && peek(o).t === 'kw' && peek(o).v === v;
	const expectOp = (v) => {
		if (!isOp(v)) throw syntax(peek());
		p++;
	};

	function parseOr() {
		let left = parseAnd();
		while (isKw('OR')) {
			p++;
			left = { k: 'or', left, right: parseAnd() };
		}
		return left;
	}
	function parseAnd() {
		let left = parseNot();
		while (isKw('AND')) {
			p++;
			left = { k: 'and', left, right: parseNot() };
		}
		return left;
	}
	function parseNot() {
		if (isKw('NOT')) {
			p++;
			return { k: 'not', expr: parseNot() };
		}
		return parsePredicate();
	}
	function parsePredicate() {
		if (isOp('(')) {
			// Either a parenthesised condition or a parenthesised scalar: try the condition first.
			const save = p;
			try {
				p++;
				const inner = parseOr();
				expectOp(')');
				const next = peek();
				if (
					!next ||
					(next.t === 'kw' && (next.v === 'AND' || next.v === 'OR')) ||
					(next.t === 'op' && next.v === ')')
				)
					return inner;
			} catch (e) {
				if (!(e instanceof SqlError)) throw e;
			}
			p = save;
		}
		const left = parseScalar();
		const tok = peek();
		if (tok && tok.t === 'op' && COMPARISONS.includes(tok.v)) {
			p++;
			return { k: 'compare', op: tok.v, left, right: parseScalar() };
		}
		let negate = false;
		if (
			isKw('NOT') &&
			peek(1) &&
			peek(1).t === 'kw' &&
			['LIKE', 'IN', 'BETWEEN'].includes(peek(1).v)
		) {
			negate = true;
			p++;
		}
		if (isKw('LIKE')) {
			p++;
			const pattern = parseScalar();
			let escape = null;
			if (isKw('ESCAPE')) {
				p++;
				const e = peek();
				if (!e || e.t !== 'str') throw syntax(e);
				escape = e.v;
				p++;
			}
			return { k: 'like', negate, expr: left, pattern, escape };
		}
		if (isKw('IN')) {
			p++;
			expectOp('(');
			const items = [parseScalar()];
			while (isOp(',')) {
				p++;
				items.push(parseScalar());
			}
			expectOp(')');
			return { k: 'in', negate, expr: left, items };
		}
		if (isKw('BETWEEN')) {
			p++;
			const low = parseScalar();
			if (!isKw('AND')) throw syntax(peek());
			p++;
			return { k: 'between', negate, expr: left, low, high: parseScalar() };
		}
		if (isKw('IS')) {
			p++;
			let not = false;
			if (isKw('NOT')) {
				not = true;
				p++;
			}
			if (!isKw('NULL')) throw syntax(peek());
			p++;
			return { k: 'isNull', not, expr: left };
		}
		throw new SqlError(
			`An expression of non-boolean type specified in a context where a condition is expected, near '${near(peek() || tokens[p - 1])}'.`,
			4145,
		);
	}

	function parseScalar() {
		let left = parseTerm();
		while (isOp('+') || isOp('-')) {
			const op = peek().v;
			p++;
			left = { k: 'binary', op, left, right: parseTerm() };
		}
		return left;
	}
	function parseTerm() {
		const tok = peek();
		if (!tok) throw syntax(tok);
		if (tok.t === 'op' && tok.v === '-') {
			p++;
			return { k: 'negate', expr: parseTerm() };
		}
		if (tok.t === 'op' && tok.v === '(') {
			p++;
			const inner = parseScalar();
			expectOp(')');
			return inner;
		}
		if (tok.t === 'num') {
			p++;
			return {
				k: 'literal',
				value: { v: Number(tok.v), type: /[.eE]/.test(tok.v) ? 'decimal' : 'int' },
			};
		}
		if (tok.t === 'str') {
			p++;
			return { k: 'literal', value: { v: tok.v, type: 'string' } };
		}
		if (tok.t === 'kw' && tok.v === 'NULL') {
			p++;
			return { k: 'literal', value: { v: null, type: 'null' } };
		}
		if (tok.t === 'id') {
			if (!tok.quoted && STATEMENT_WORDS.has(tok.v.toUpperCase())) throw syntax(tok);
			if (!tok.quoted && isOp('(', 1)) return parseFunction();
			p++;
			return { k: 'column', name: tok.v };
		}
		throw syntax(tok);
	}
	function parseFunction() {
		const name = peek().v.toUpperCase();
		p += 2; // name (
		const typeArg = () => {
			const t = peek();
			if (!t || t.t !== 'id') throw syntax(t);
			p++;
			// Skip a length such as varchar(50).
			if (isOp('(')) {
				while (peek() && !isOp(')')) p++;
				expectOp(')');
			}
			return sqlType(t.v);
		};
		const node = { k: 'call', name, args: [] };
		if (name === 'CONVERT') {
			node.castType = typeArg();
			expectOp(',');
			node.args.push(parseScalar());
			if (isOp(',')) {
				p++;
				parseScalar(); // style: accepted, not needed for the comparisons the sandbox meets
			}
		} else if (name === 'CAST') {
			node.args.push(parseScalar());
			if (!isKw('AS')) throw syntax(peek());
			p++;
			node.castType = typeArg();
		} else if (name === 'DATEADD' || name === 'DATEDIFF') {
			const t = peek();
			if (!t || t.t !== 'id') throw syntax(t);
			node.datePart = t.v.toLowerCase();
			p++;
			expectOp(',');
			node.args.push(parseScalar());
			expectOp(',');
			node.args.push(parseScalar());
		} else if (!isOp(')')) {
			node.args.push(parseScalar());
			while (isOp(',')) {
				p++;
				node.args.push(parseScalar());
			}
		}
		expectOp(')');
		return node;
	}

	const ast = parseOr();
	if (p < tokens.length) throw syntax(peek());
	return ast;
}

module.exports = { parse };
