import { type DocumentNode, type GraphQLSchema, getNullableType, isListType } from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import mercurius from 'mercurius';

/**
 * Limits, from config: depth (`orders { items { lines { product { name } } } }` is 5) and cost.
 * The default cost, 5,000, admits one page of 100 orders with their lines and products (about
 * 3,500), not aliases that repeat it.
 */
export interface GraphqlLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

/** Lines assumed per order when estimating: orders hold at most 50, most far fewer. */
const LINES_PER_ORDER = 10;
/** The largest page: `parseLimit` cuts bigger limits to it. */
const MAX_PAGE = 100;

/**
 * Each field costs 1 plus its children, times how many times they will run: `limit` rows for a
 * paged field (its default when absent), LINES_PER_ORDER for an order's lines.
 */
const pagedCost: ComplexityEstimator = ({ args, field, childComplexity }) => {
  if (typeof args.limit === 'number') return 1 + childComplexity * Math.min(args.limit, MAX_PAGE);
  if (field.name === 'lines' && isListType(getNullableType(field.type))) {
    return 1 + childComplexity * LINES_PER_ORDER;
  }
  return 1 + childComplexity;
};

/**
 * Refuses, with a 400 before anything runs, a query whose estimated cost exceeds `maxCost`. It
 * runs once the variables are known, so a `limit` passed as a variable counts at its value.
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): void {
  const cost = getComplexity({ schema, query: document, variables, estimators: [pagedCost] });
  if (cost > maxCost) {
    throw new mercurius.ErrorWithProps(
      `The query costs ${cost}, more than the ${maxCost} allowed; ask for less.`,
      { code: 'ORDERS_QUERY_TOO_COSTLY' },
      400,
    );
  }
}
