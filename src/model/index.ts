/**
 * What a model holds: every weight with its layer, trainability, penalty and constraint, wherever
 * TF.js keeps them (a recurrent layer's cell, a Bidirectional's copies, a nested model's layers);
 * and how TF.js serialises this library's catalogue entries (one class per entry name).
 *
 *   model ─► inventory (inventory.ts): layers by path ─► weights ─► regularizer, constraint
 *   catalogue entry ─► a TF.js class `<prefix><name>` (serialization.ts) ─► saved, loaded back
 *   topology ─► what TF.js's serialisation leaves out put back (topology.ts)
 *   a layer's or model's class ─► the name TF.js gives it left unnamed (generated-names.ts)
 *   topology ─► portable: this library's classes out, listed in metadata, put back (portable.ts)
 *   saved artifacts or a URL ─► the model, every control back, weights exact (load.ts)
 */
export { generatedStemOf, markNamesCounted, type NamedKind, namedKindOf, namesCounted } from './generated-names.ts';
export {
  type Constraint,
  checkInventory,
  type Inventory,
  inputNamesOf,
  inventory,
  type LayerEntry,
  makersOf,
  outputLayersOf,
  outputNamesOf,
  penalised,
  penaltyTerms,
  REGULARIZER_OF,
  type Regularizer,
  takesGradient,
  uniqueWeights,
  type WeightEntry,
  weightBaseName,
  weightKeys,
} from './inventory.ts';
export { type LoadModelOptions, loadModelFrom, modelFromArtifacts } from './load.ts';
export { CONTROL_KEY, makePortable, PORTABLE_FORMAT, PORTABLE_KEY, type PortableEntry, restorePortable } from './portable.ts';
export { isRegisteredClass, NamedClasses, tfjsBaseClass, tfjsBound } from './serialization.ts';
export { applyTrainable, completeTopology } from './topology.ts';
