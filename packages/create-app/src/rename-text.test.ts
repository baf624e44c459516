import { describe, expect, it } from 'vitest';
import { projectNaming } from './project-naming.ts';
import { projectPath, renameText } from './rename-text.ts';

const naming = projectNaming('my-api', 'acme');

describe('renameText', () => {
  it.each([
    ["import { x } from '@groundwork/errors';", "import { x } from '@acme/errors';"],
    ['--conditions=@groundwork/source', '--conditions=@acme/source'],
    ['"name": "groundwork",', '"name": "my-api",'],
    ['5432/groundwork_orders', '5432/my_api_orders'],
    ['GROUNDWORK_SCHEMA_ENGINE', 'MY_API_SCHEMA_ENGINE'],
    ['groundworkTestServices', 'myApiTestServices'],
    ['class GroundworkError', 'class MyApiError'],
    ['const describeGroundwork = 1', 'const describeMyApi = 1'],
    ['# Groundwork', '# my-api'],
    ['image: groundwork/orders', 'image: my-api/orders'],
    ['identity.groundwork.test', 'identity.my-api.test'],
  ])('when the text is %j, then it becomes %j', (before, after) => {
    expect(renameText(before, naming)).toBe(after);
  });

  it('when the text names the CLI or its manifest folder, then those names are kept', () => {
    const text =
      'npm create groundwork@latest; npx create-groundwork upgrade; .groundwork/template.json';
    expect(renameText(text, naming)).toBe(text);
  });

  it('when kept and renamed names share a line, then only the project names change', () => {
    expect(
      renameText('Groundwork: `npm create groundwork@latest` makes groundwork_orders', naming),
    ).toBe('my-api: `npm create groundwork@latest` makes my_api_orders');
  });

  it('when the text holds the short test-database prefix gw_, then it becomes the short name', () => {
    expect(
      renameText(
        "const TEST_PREFIX = 'gw_test_'; like 'gw\\\\_tpl\\\\_%'; 'gw-hash-' gw:test: sgw_x",
        naming,
      ),
    ).toBe(
      "const TEST_PREFIX = 'my_api_test_'; like 'my_api\\\\_tpl\\\\_%'; 'gw-hash-' gw:test: sgw_x",
    );
  });

  it('when the name is long, then the short prefix keeps template database names within 63 bytes', () => {
    const long = projectNaming('a-very-long-project-name', 'acme');
    expect(long.short).toBe('a_very_long');
    expect(renameText("'gw_tpl_'", long)).toBe("'a_very_long_tpl_'");
  });

  it('when the project name itself holds gw_ or groundwork, then it is not renamed twice', () => {
    expect(renameText('gw_test groundwork_orders', projectNaming('gw-groundwork', 'x'))).toBe(
      'gw_groundwor_test gw_groundwork_orders',
    );
  });

  it('when the name has dots, then every spelling splits on them', () => {
    const dotted = projectNaming('shop.api', 'shop');
    expect(renameText('groundwork_x GROUNDWORK_X groundworkX', dotted)).toBe(
      'shop_api_x SHOP_API_X shopApiX',
    );
  });

  it('when a file is named after the template, then its path is renamed like the text naming it', () => {
    const shop = projectNaming('shop', 'acme');
    expect(projectPath('infra/observability/grafana/dashboards/groundwork-red.json', shop)).toBe(
      'infra/observability/grafana/dashboards/shop-red.json',
    );
    expect(renameText('path: /dashboards/groundwork-red.json', shop)).toBe(
      'path: /dashboards/shop-red.json',
    );
    expect(projectPath('apps/orders/src/main.ts', shop)).toBe('apps/orders/src/main.ts');
    expect(projectPath('.groundwork/template.json', shop)).toBe('.groundwork/template.json');
  });
});
