import { z } from 'zod';
import { ferryConfig } from './schema.js';

/** The JSON Schema of ferry.yaml as a person writes it (defaults optional, sizes as strings). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ferryConfig, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    title: 'ferry.yaml',
  };
}
