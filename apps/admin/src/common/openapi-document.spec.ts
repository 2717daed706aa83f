import { sortKeys } from './openapi-document';

describe('sortKeys', () => {
  it('orders keys at every depth and keeps arrays in order', () => {
    const sorted = sortKeys({ b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1},3]},"b":1}');
  });
});
