import { describe, expect, test } from 'vitest';
import { parsePrometheusText } from './prometheus-text.ts';

const VALID = `# HELP http_server_request_duration_seconds Duration.
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{le="0.1",route="/v1/a/:id",method="GET"} 1
http_server_request_duration_seconds_bucket{le="+Inf",route="/v1/a/:id",method="GET"} 2
http_server_request_duration_seconds_sum{route="/v1/a/:id",method="GET"} 0.35
http_server_request_duration_seconds_count{route="/v1/a/:id",method="GET"} 2
# TYPE nodejs_eventloop_lag_mean_seconds gauge
nodejs_eventloop_lag_mean_seconds Nan
# a comment
up{msg="a \\"quoted\\" \\\\ value\\n"} 1 1700000000000
`;

describe('parsePrometheusText', () => {
  test('when the text is well formed, then every sample is read with its labels and value', () => {
    const scrape = parsePrometheusText(VALID);
    expect(scrape.families.get('http_server_request_duration_seconds')).toMatchObject({
      type: 'histogram',
      help: 'Duration.',
    });
    expect(
      scrape.find('http_server_request_duration_seconds_bucket', { le: '+Inf' })[0]?.value,
    ).toBe(2);
    expect(scrape.find('nodejs_eventloop_lag_mean_seconds')[0]?.value).toBeNaN();
    expect(scrape.find('up')[0]?.labels).toEqual({ msg: 'a "quoted" \\ value\n' });
  });

  test.each([
    ['a label value without quotes', 'up{job=api} 1'],
    ['a value that is not a float', 'up 1,5'],
    ['a name with a dash', 'http-requests 1'],
    ['a duplicated label', 'up{a="1",a="2"} 1'],
    ['a bucket without le', '# TYPE h histogram\nh_bucket{x="1"} 1\nh_count 1'],
    ['a histogram sampled without a suffix', '# TYPE h histogram\nh 1'],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 3\nh_count 3',
    ],
    [
      'a +Inf bucket that differs from the count',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_count 4',
    ],
    ['a malformed TYPE line', '# TYPE h histo\nh 1'],
  ])('when the text has %s, then it is refused', (_problem, text) => {
    expect(() => parsePrometheusText(text)).toThrow(SyntaxError);
  });
});
