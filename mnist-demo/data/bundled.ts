/**
 * The bundled MNIST's sizes, alone (no library: `penx` checks its flags against them before the
 * library and TF.js load; data/mnist.ts reads the images themselves).
 */

/** Test images of the bundled MNIST (its t10k files): the most `--test-size` and `penx bench --eval-images` can ask for. */
export const MNIST_TEST_IMAGES = 10_000;

/** Training images of the bundled MNIST (its train files): the training set's size when neither `--data` nor `--train-size` is given, and the most `--train-size` can ask for. */
export const MNIST_TRAIN_IMAGES = 60_000;
