import type { ActionDefinition, DestinationSettings } from '../actions/types.js';
import type { CompiledTrigger } from './trigger.js';
import type { JsonSchema } from './segment-libs.js';

export interface Mapping {
  name: string;
  action: ActionDefinition;
  trigger: CompiledTrigger;
  /** The user's fields over the action's defaults, `null` having turned a default off. */
  fields: Record<string, unknown>;
  schema: JsonSchema;
  line: number;
}

export interface MappingFile {
  path: string;
  settings: DestinationSettings;
  mappings: Mapping[];
}
