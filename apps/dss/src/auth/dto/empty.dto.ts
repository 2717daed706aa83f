/** A request with no fields: `{}`. Any field is refused (`forbidNonWhitelisted`). */
export class EmptyDto {}
