import { GraphQLError } from 'graphql';
import { ArgumentValidationError, AuthorizationError } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, BusinessRuleError, NotFoundError } from '../../src/domain/shared/errors.js';
import { WrongExpectedVersionError } from '../../src/eventstore/errors.js';
import { formatError } from '../../src/graphql/errors.js';

/** What graphql-js does to a resolver's error: wrap it with a path. */
function fromResolver(error: Error): GraphQLError {
  return new GraphQLError(error.message, { path: ['field'], originalError: error });
}

const format = (error: GraphQLError) => formatError(error.toJSON(), error);

describe('formatError', () => {
  it('keeps the code, the rule and safe details of domain errors', () => {
    expect(format(fromResolver(new BusinessRuleError('ALREADY_CERTIFIED', 'Already certified in EC0105')))).toEqual({
      message: 'Already certified in EC0105',
      path: ['field'],
      extensions: { code: 'BUSINESS_RULE', rule: 'ALREADY_CERTIFIED' },
    });
    expect(format(fromResolver(new BadUserInputError('CURP check digit does not match', 'curp'))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'curp',
    });
    expect(format(fromResolver(new NotFoundError('Servant not found'))).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('reports a stream version mismatch as CONFLICT', () => {
    const formatted = format(fromResolver(new WrongExpectedVersionError('servant-1', 2, 3)));
    expect(formatted.extensions).toMatchObject({ code: 'CONFLICT', actualVersion: 3 });
  });

  it('masks unexpected errors: no message, no stack', () => {
    const secret = new Error('connection to db at 10.0.0.3 failed for CURP GODE561231HDFRRN09');
    const formatted = format(fromResolver(secret));
    expect(formatted).toEqual({ message: 'Internal server error', path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(formatted)).not.toMatch(/10\.0\.0\.3|GODE|stack/);
  });

  it('masks errors that say INTERNAL_SERVER_ERROR themselves', () => {
    const error = new GraphQLError('pool exhausted at 10.0.0.3', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(format(error)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('finds the code under wrappers: a parse error wrapped by Apollo keeps its code', () => {
    const inner = new GraphQLError('Syntax Error: Expected Name');
    const wrapped = new GraphQLError(inner.message, { originalError: inner, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format(wrapped).extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it("turns type-graphql's UNAUTHORIZED into FORBIDDEN", () => {
    expect(format(fromResolver(new AuthorizationError())).extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('keeps validation problems by field without echoing the input back', () => {
    const error = new ArgumentValidationError([
      { property: 'first', value: 5000, target: { curp: 'GODE561231HDFRRN09' }, constraints: { max: 'first must not be greater than 100' }, children: [] },
    ]);
    const formatted = format(fromResolver(error));
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      validationErrors: [{ field: 'first', problems: ['first must not be greater than 100'] }],
    });
    expect(JSON.stringify(formatted)).not.toContain('GODE');
  });

  it('keeps graphql-js and Apollo codes of request errors', () => {
    const parse = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format(parse)).toMatchObject({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
});
