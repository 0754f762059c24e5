import { compileRoute } from '../../../host/src/triggers/route-template';

describe('compileRoute', () => {
  it.each([
    ['items/{id}', 'items/5', { id: '5' }],
    ['items/{id}', 'ITEMS/5/', { id: '5' }],
    ['items/{id:int}', 'items/x', undefined],
    ['items/{id:int:min(10)}', 'items/9', undefined],
    ['items/{id:int:min(10)}', 'items/10', { id: '10' }],
    ['items/{id?}', 'items', {}],
    ['items/{id=all}', 'items', { id: 'all' }],
    ['files/{*path}', 'files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['files/{name}.{ext}', 'files/report.final.csv', { name: 'report.final', ext: 'csv' }],
    ['codes/{code:regex(^[A-Z]{{3}}$)}', 'codes/ABCD', undefined],
    ['codes/{code:regex(^[A-Z]{{3}}$)}', 'codes/XYZ', { code: 'XYZ' }],
    ['literal/{{braces}}', 'literal/{braces}', {}],
    ['codes/{code:regex(^[a-z]+-\\d+$)}', 'codes/abc-12', { code: 'abc-12' }],
    ['names/{name:length(2,4)}', 'names/abcde', undefined],
    ['ids/{id:guid}', 'ids/3f2504e0-4f89-11d3-9a0c-0305e82c3301', { id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }],
    ['flags/{on:bool}', 'flags/TRUE', { on: 'TRUE' }],
    ['names/{name}', 'names/a%20b', { name: 'a b' }],
    ['names/{name}', 'names/%E0%A4%A', undefined],
    ['', '', {}],
  ])('template %p matches %p as %p', (template, path, expected) => {
    expect(compileRoute(template, 'fn').match(path)).toEqual(expected);
  });

  it('ranks literal segments before parameters and catch-alls', () => {
    const literal = compileRoute('items/new', 'a').precedence;
    const constrained = compileRoute('items/{id:int}', 'b').precedence;
    const parameter = compileRoute('items/{id}', 'c').precedence;
    const catchAll = compileRoute('items/{*rest}', 'd').precedence;
    const order = [catchAll, parameter, literal, constrained].sort((x, y) => x[1] - y[1]);
    expect(order).toEqual([literal, constrained, parameter, catchAll]);
  });

  it('rejects an unknown constraint with the function name', () => {
    expect(() => compileRoute('items/{id:positive}', 'getItem')).toThrow(
      'Route "items/{id:positive}" of function "getItem" has an unsupported constraint "positive"',
    );
  });

  it('rejects unbalanced braces', () => {
    expect(() => compileRoute('items/{id', 'getItem')).toThrow('has unbalanced braces in "{id"');
  });

  it('rejects an invalid parameter name', () => {
    expect(() => compileRoute('items/{1st}', 'getItem')).toThrow('has an invalid parameter name "1st"');
  });
});
