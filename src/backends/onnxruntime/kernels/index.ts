/**
 * The TF.js kernels the `onnxruntime` backend replaces, one config per file, each running on
 * ONNX Runtime (runtime/run.ts) or on loops over the host's arrays, and falling back to the
 * host's stock kernel for a case it does not cover (NCHW data, prelu, a rounding mode ONNX
 * lacks, a dtype other than float32, a small tensor):
 *
 *   Conv2D, FusedConv2D                 conv2d.ts, fused-conv2d.ts        } Winograd or ONNX Runtime's
 *   Conv2DBackpropInput, …Filter        conv2d-backprop-{input,filter}.ts } Conv, by shape (conv-plans.ts)
 *   BatchMatMul, _FusedMatMul           batch-mat-mul.ts, fused-mat-mul.ts (Gemm / MatMul)
 *   Add Sub Multiply RealDiv            add.ts … (ONNX Runtime when large, loops when small)
 *   Relu Sqrt Neg Abs Sign Square Step  relu.ts … (ONNX Runtime when large)
 *   Sum, MaxPool, MaxPoolGrad           sum.ts, max-pool.ts, max-pool-grad.ts
 *   GatherV2 along axis 0               gather-v2.ts (rows copied: a training batch drawn from the data)
 *   Relu's gradient                     relu-grad.ts (a kernel of its own, PenxReluGrad)
 *   optimisers' steps                   update-steps.ts (kernels of their own, PenxAdadelta, PenxAdam, PenxRms: one loop each)
 */
import { absConfig } from './abs.ts';
import { addConfig } from './add.ts';
import { batchMatMulConfig } from './batch-mat-mul.ts';
import { conv2dConfig } from './conv2d.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { MIN_ORT_ELEMENTS } from './elementwise.ts';
import { fusedConv2dConfig } from './fused-conv2d.ts';
import { fusedMatMulConfig } from './fused-mat-mul.ts';
import { gatherV2Config } from './gather-v2.ts';
import { maxPoolConfig } from './max-pool.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { multiplyConfig } from './multiply.ts';
import { negConfig } from './neg.ts';
import { realDivConfig } from './real-div.ts';
import { reluConfig } from './relu.ts';
import { registerReluGrad } from './relu-grad.ts';
import { type OrtKernelConfig, replaceKernel } from './replace-kernel.ts';
import { signConfig } from './sign.ts';
import { sqrtConfig } from './sqrt.ts';
import { squareConfig } from './square.ts';
import { stepConfig } from './step.ts';
import { subConfig } from './sub.ts';
import { sumConfig } from './sum.ts';
import { registerUpdateSteps } from './update-steps.ts';

/** Every replaced kernel. */
export const ORT_KERNELS: readonly OrtKernelConfig[] = [
  conv2dConfig,
  fusedConv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  reluConfig,
  sqrtConfig,
  negConfig,
  absConfig,
  signConfig,
  squareConfig,
  stepConfig,
  sumConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  gatherV2Config,
];

/** Replace the kernels on `backendName` (a host backend made by runtime/host.ts), route Relu's gradient and add the optimisers' steps (Adadelta, Adam, RMSprop). */
export function registerOrtKernels(backendName: string): void {
  for (const k of ORT_KERNELS) replaceKernel(backendName, k.kernelName, k.body);
  registerReluGrad(backendName, MIN_ORT_ELEMENTS);
  registerUpdateSteps(backendName);
}
