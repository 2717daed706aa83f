import { ValidateIf } from 'class-validator';

/**
 * A field that may be left out, but that is validated whenever it is present — `null`
 * included. class-validator's `@IsOptional()` skips `null` as well as `undefined`, so a
 * body such as `{"digest": null}` would reach the service as a present field holding no
 * string. On the wire, "absent" means absent: `null` gets the field's own `invalid_request`.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
