import { describe, expect, test } from 'vitest';
import { metricNames } from './observability-files.ts';

describe('metricNames', () => {
  test('when a query nests aggregations, ranges and label matchers, then only the selected series names come out', () => {
    expect(
      metricNames(
        'sum by (job, le) (rate(http_server_request_duration_seconds_bucket{le="0.5", route!~"/health/.*|/metrics"}[5m])) / on (job) group_left sum without (route) (rate(x_total[$__rate_interval])) > (14.4 * 0.01)',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket', 'x_total']);
  });

  test('when a query compares a bare series or a recording rule, then both are named', () => {
    expect(metricNames('up{job=~"a|b"} == 0 and job:slow:rate5m > 1e-3')).toEqual([
      'up',
      'job:slow:rate5m',
    ]);
  });
});
