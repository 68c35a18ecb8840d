#!/usr/bin/env python3
"""PyTorch's updates of a tiny model, the fixture test/optim/torch-peer.test.ts checks penx's against.

    python3 test/optim/torch-peer.py > test/fixtures/optim/torch-peer.json
    npx biome format --write test/fixtures/optim/torch-peer.json

A Dense 4 -> 3 (tanh) -> 2 model, fixed weights and a fixed batch of 6, mean squared error, three
full-batch steps of each case below, in float64 (the start rounded to float32, as TF.js holds it).
Each case names penx's side (an optimiser spec, a penalty and a constraint on the kernels, per-layer
controls as `LayerControls` takes them) and makes PyTorch's own (torch.optim, param groups,
clip_grad_norm_ of each tensor for clipnorm and of every matched tensor at once for clipglobalnorm,
renorm, softshrink, requires_grad). Where the two differ on purpose the case says so in `note`.
Weights are written in TF.js's layout (a Dense kernel [in, out]; torch keeps [out, in]).

Needs PyTorch (Debian: python3-torch); it is never a dependency of penalty-explorer and the test
does not run it: it checks that the fixture was written by this script as it is (its SHA-256).
"""
import hashlib
import json
import math
import struct
import sys

import torch  # Debian: python3-torch
import torch.nn.functional as F

STEPS = 3


def f32(x):
    """x rounded to float32, as TF.js holds it."""
    return struct.unpack("f", struct.pack("f", x))[0]


def values(n, a, b):
    return [f32(0.6 * math.sin(a * i + b)) for i in range(n)]


# TF.js layout: kernel [in, out] row-major, bias [out].
START = {"k1": values(12, 1.3, 0.7), "b1": values(3, 2.1, 0.9), "k2": values(6, 0.9, -0.4), "b2": values(2, 1.7, 1.1)}
X = [values(4, 0.8, 0.3 * r + 1.0) for r in range(6)]
Y = [values(2, 1.1, 0.5 * r - 0.2) for r in range(6)]

# penx's side of each case: the optimiser spec, then optional `penalty` and `constraint` (on both
# kernels), `lrMult`, `grad` and `freeze` (LayerControls), `note` on a deliberate difference.
CASES = [
    {"name": "sgd", "optimizer": "sgd:lr=0.1"},
    {"name": "momentum", "optimizer": "momentum:lr=0.05,m=0.9"},
    {"name": "nesterov", "optimizer": "momentum:lr=0.05,m=0.9,nesterov=1"},
    {
        "name": "adagrad",
        "optimizer": "adagrad:lr=0.1,init=0.1,eps=1e-12",
        "note": "penx's ε is inside the root and its sum starts at init (Keras, TF.js; defaults init 0.1, eps 1e-7); PyTorch's ε is outside (default 1e-10), its sum starts at initial_accumulator_value (default 0): equal only for ε ≪ a",
    },
    {"name": "adagrad-init0", "optimizer": "adagrad:lr=0.1,init=0,eps=1e-12", "note": "PyTorch's initial_accumulator_value 0"},
    {"name": "adam", "optimizer": "adam:lr=0.01,eps=1e-8", "note": "penx's default eps is Keras's 1e-7, PyTorch's 1e-8"},
    {"name": "adam-eps", "optimizer": "adam:lr=0.01,beta1=0.8,beta2=0.99,eps=0.1"},
    {"name": "adamw", "optimizer": "adamw:lr=0.01,wd=0.5,eps=1e-8", "note": "penx's default wd is 1e-4, PyTorch's 1e-2"},
    {"name": "adam-l2", "optimizer": "adam:lr=0.01,eps=1e-8", "penalty": "l2:0.25", "note": "l2:wd/2 is weight_decay=wd (the gradient of λΣw² is 2λw)"},
    {"name": "sgd-l2", "optimizer": "sgd:lr=0.1", "penalty": "l2:0.25"},
    {"name": "adam-l1", "optimizer": "adam:lr=0.01,eps=1e-8", "penalty": "l1:0.05"},
    {"name": "adadelta", "optimizer": "adadelta:lr=1,rho=0.9,eps=1e-6", "note": "penx's defaults are Keras's (rho 0.95, eps 1e-7), PyTorch's rho 0.9, eps 1e-6"},
    {
        "name": "rmsprop",
        "optimizer": "rmsprop:lr=0.01,rho=0.9,eps=1e-12",
        "note": "ε inside the root in penx (Keras, TF.js), outside in PyTorch: equal only for ε ≪ a",
    },
    {
        "name": "lr-mult-adamw",
        "optimizer": "adamw:lr=0.01,wd=0.5,eps=1e-8",
        "lrMult": [{"pattern": "dense_1", "factor": 0.1}, {"pattern": "dense_2/kernel", "factor": 3}, {"pattern": "dense*", "factor": 2}],
    },
    {"name": "lr-mult-momentum", "optimizer": "momentum:lr=0.05,m=0.9", "lrMult": [{"pattern": "dense_1", "factor": 0.1}, {"pattern": "dense_2/kernel", "factor": 3}]},
    {"name": "lr-mult-nesterov", "optimizer": "momentum:lr=0.05,m=0.9,nesterov=1", "lrMult": [{"pattern": "dense_1", "factor": 0.1}, {"pattern": "dense_2/kernel", "factor": 3}]},
    {"name": "adagrad-l2", "optimizer": "adagrad:lr=0.1,init=0.1,eps=1e-12", "penalty": "l2:0.25"},
    {
        "name": "clipnorm",
        "optimizer": "momentum:lr=0.05,m=0.9",
        "grad": [{"pattern": "dense*", "transform": "clipnorm:0.05"}],
        "note": "per weight tensor (Keras); clip_grad_norm_ is given each tensor alone and divides by ‖g‖ + 1e-6, penx by ‖g‖",
    },
    {
        "name": "clipglobalnorm",
        "optimizer": "momentum:lr=0.05,m=0.9",
        "grad": [{"pattern": "dense*", "transform": "clipglobalnorm:0.05"}],
        "note": "one factor for all four tensors; clip_grad_norm_ divides by ‖G‖ + 1e-6, penx by ‖G‖",
    },
    {"name": "clipglobalnorm-layer", "optimizer": "adam:lr=0.01,eps=1e-8", "grad": [{"pattern": "dense_2", "transform": "clipglobalnorm:0.02"}]},
    {"name": "clipvalue", "optimizer": "sgd:lr=0.1", "grad": [{"pattern": "dense_2", "transform": "clipvalue:0.02"}]},
    {"name": "maxnorm", "optimizer": "sgd:lr=0.5", "constraint": "maxnorm:m=0.6", "note": "Keras's w·m/(ε + ‖w‖) against renorm's m/(‖w‖ + 1e-7)"},
    {"name": "unitnorm", "optimizer": "sgd:lr=0.5", "constraint": "unitnorm", "note": "Keras's w/(ε + ‖w‖) against normalize's w/max(‖w‖, 1e-12)"},
    {"name": "nonneg", "optimizer": "sgd:lr=0.5", "constraint": "nonneg"},
    {"name": "l1-prox-sgd", "optimizer": "sgd:lr=0.5", "penalty": "l1:0.1,prox"},
    {"name": "l1-prox-momentum", "optimizer": "momentum:lr=0.2,m=0.9", "penalty": "l1:0.1,prox"},
    {"name": "l1-prox-lr-mult", "optimizer": "sgd:lr=0.5", "penalty": "l1:0.1,prox", "lrMult": [{"pattern": "dense_2", "factor": 0.2}]},
    {"name": "freeze-adamw", "optimizer": "adamw:lr=0.01,wd=0.5,eps=1e-8", "freeze": ["dense_1"]},
    {"name": "freeze-maxnorm", "optimizer": "sgd:lr=0.5", "constraint": "maxnorm:m=0.6", "freeze": ["dense_1"]},
]


def spec_params(spec):
    name, _, rest = spec.partition(":")
    return name, {k: float(v) for k, v in (kv.split("=") for kv in rest.split(",") if kv)}


def penalty_of(spec):
    name, _, rest = spec.partition(":")
    strength, *flags = rest.split(",")
    return name, float(strength), "prox" in flags


def torch_optimizer(spec, groups):
    name, p = spec_params(spec)
    if name == "sgd":
        return torch.optim.SGD(groups, lr=p["lr"])
    if name == "momentum":
        return torch.optim.SGD(groups, lr=p["lr"], momentum=p["m"], nesterov=p.get("nesterov", 0) == 1)
    if name == "adagrad":
        return torch.optim.Adagrad(groups, lr=p["lr"], initial_accumulator_value=p["init"], eps=p["eps"])
    betas = (p.get("beta1", 0.9), p.get("beta2", 0.999))
    if name == "adam":
        return torch.optim.Adam(groups, lr=p["lr"], betas=betas, eps=p["eps"])
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=p["lr"], betas=betas, eps=p["eps"], weight_decay=p["wd"])
    if name == "adadelta":
        return torch.optim.Adadelta(groups, lr=p["lr"], rho=p["rho"], eps=p["eps"])
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, lr=p["lr"], alpha=p["rho"], eps=p["eps"])
    raise SystemExit(f"torch-peer: no torch optimiser for {spec}")


def matches(pattern, name):
    """penx's glob on a weight name or its layer (only the forms the cases use: `x`, `x*`)."""
    layer = name.split("/")[0]
    if pattern.endswith("*"):
        return any(n.startswith(pattern[:-1]) for n in (name, layer))
    return pattern in (name, layer)


def run(case):
    named = {
        "dense_1/kernel": torch.tensor(START["k1"], dtype=torch.float64).reshape(4, 3).T.clone(),
        "dense_1/bias": torch.tensor(START["b1"], dtype=torch.float64),
        "dense_2/kernel": torch.tensor(START["k2"], dtype=torch.float64).reshape(3, 2).T.clone(),
        "dense_2/bias": torch.tensor(START["b2"], dtype=torch.float64),
    }
    frozen = {n for n in named if any(matches(p, n) for p in case.get("freeze", []))}
    for n, t in named.items():
        t.requires_grad_(n not in frozen)
    kernels = [named[n] for n in ("dense_1/kernel", "dense_2/kernel") if n not in frozen]
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y, dtype=torch.float64)

    # Param groups: one per weight, its learning rate × every matching multiplier; an L2 penalty as
    # weight_decay = 2λ on the kernels; frozen weights not given (grad None: torch skips them).
    _, opt_params = spec_params(case["optimizer"])
    pen = penalty_of(case["penalty"]) if "penalty" in case else None
    groups = []
    for n, t in named.items():
        if n in frozen:
            continue
        factor = math.prod(m["factor"] for m in case.get("lrMult", []) if matches(m["pattern"], n))
        group = {"params": [t], "lr": opt_params["lr"] * factor}
        if pen and pen[0] == "l2" and n.endswith("/kernel"):
            group["weight_decay"] = 2 * pen[1]
        groups.append(group)
    opt = torch_optimizer(case["optimizer"], groups)

    for _ in range(STEPS):
        opt.zero_grad()
        out = F.linear(torch.tanh(F.linear(x, named["dense_1/kernel"], named["dense_1/bias"])), named["dense_2/kernel"], named["dense_2/bias"])
        loss = F.mse_loss(out, y)
        if pen and pen[0] == "l1" and not pen[2]:
            loss = loss + pen[1] * sum(named[n].abs().sum() for n in ("dense_1/kernel", "dense_2/kernel"))
        loss.backward()
        for g in case.get("grad", []):
            kind, _, c = g["transform"].partition(":")
            if kind == "clipglobalnorm":
                norm = torch.nn.utils.clip_grad_norm_([t for n, t in named.items() if matches(g["pattern"], n) and t.grad is not None], float(c))
                assert float(norm) > float(c), f"{case['name']}: ‖G‖ = {float(norm)} is not clipped at {c}; lower c"
                continue
            for n, t in named.items():
                if matches(g["pattern"], n) and t.grad is not None:
                    if kind == "clipnorm":
                        torch.nn.utils.clip_grad_norm_([t], float(c))
                    elif kind == "clipvalue":
                        torch.nn.utils.clip_grad_value_([t], float(c))
        opt.step()
        with torch.no_grad():
            if pen and pen[2]:
                # ISTA: the soft threshold at lr·λ after the step (SGD and momentum take η = lr), the group's lr.
                for group in opt.param_groups:
                    for t in group["params"]:
                        if any(t is k for k in kernels):
                            t.copy_(F.softshrink(t, group["lr"] * pen[1]))
            c = case.get("constraint")
            for k in kernels if c else []:  # a frozen kernel is not projected (Keras: not in the optimiser's variables)
                # Norms of each unit's incoming weights: a row of torch's [out, in].
                if c.startswith("maxnorm"):
                    k.copy_(torch.renorm(k, 2, 0, float(c.split("m=")[1])))
                elif c == "unitnorm":
                    k.copy_(F.normalize(k, dim=1))
                elif c == "nonneg":
                    k.clamp_(min=0)
    return [t.detach().T.reshape(-1).tolist() if t.dim() == 2 else t.detach().tolist() for t in named.values()]


with open(__file__, "rb") as f:
    script = hashlib.sha256(f.read()).hexdigest()
out = {
    "script": "test/optim/torch-peer.py",
    "scriptSha256": script,
    "torch": torch.__version__,
    "steps": STEPS,
    "start": START,
    "x": X,
    "y": Y,
    "cases": [{**c, "weights": run(c)} for c in CASES],
}
json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
print()
