/**
 * What a model holds: every weight with its layer, trainability, penalty and constraint, wherever
 * TF.js keeps them (a recurrent layer's cell, a Bidirectional's copies, a nested model's layers);
 * and how TF.js serialises this library's catalogue entries (one class per entry name).
 *
 *   model ─► inventory (inventory.ts): layers by path ─► weights ─► regularizer, constraint
 *   catalogue entry ─► a TF.js class `<prefix><name>` (serialization.ts) ─► saved, loaded back
 */
export {
  checkInventory,
  inputNamesOf,
  inventory,
  makersOf,
  outputLayersOf,
  outputNamesOf,
  penaltyTerms,
  penalised,
  type Constraint,
  type Inventory,
  type LayerEntry,
  type Regularizer,
  type WeightEntry,
} from './inventory.ts';
export { NamedClasses, tfjsBaseClass, tfjsBound } from './serialization.ts';
