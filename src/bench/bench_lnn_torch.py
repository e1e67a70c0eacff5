#!/usr/bin/env python3
"""bench_lnn_torch.py: the step bench-lnn times, written in PyTorch, for comparison.

Optional: `make bench` runs it only when `import torch` works; nothing in the
build needs PyTorch.  One Adam step of the Lagrangian network of Cranmer et al.
2020 on the double pendulum, as bench_lnn.c does it:

    L(q, qdot) = MLP(wrap(q), qdot / vscale) + (kappa/2) |qdot|^2,
    MLP 4 -> width x depth -> 1, softplus, float64, one thread;
    qddot = M^{-1} (grad_q L - C qdot)   (eq. 6; M symmetrised, torch.linalg.solve),
    M and C from double backward through torch.autograd.grad,
    loss = mean over samples of sum |qddot - target|, Adam (lr 1e-4), new random
    states every step (their drawing is not timed).

Prints the median seconds of --steps timed steps after --warmup, as
`torch_sec_per_step=<s>` on the last line (and the CPU seconds before it).
"""
import argparse
import math
import os
import sys
import time

# one thread everywhere: torch's own pool, and the BLAS it calls (Debian's
# torch links OpenBLAS, whose pthreads pool ignores torch.set_num_threads)
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
try:
    import torch
except ImportError:
    print("bench_lnn_torch: PyTorch not installed, skipped", file=sys.stderr)
    sys.exit(0)


def dp_accel(y, g=9.8):
    """Double pendulum (unit masses and lengths), as phys_dp_accel."""
    d = y[:, 0] - y[:, 1]
    c, s = torch.cos(d), torch.sin(d)
    a1, a2 = 0.5 * c, c
    f1 = -0.5 * y[:, 3] ** 2 * s - g * torch.sin(y[:, 0])
    f2 = y[:, 2] ** 2 * s - g * torch.sin(y[:, 1])
    den = 1.0 - a1 * a2
    return torch.stack(((f1 - a1 * f2) / den, (f2 - a2 * f1) / den), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    dt = torch.float64
    vscale, kappa = 10.0, 1.0

    layers, d = [], 4
    for _ in range(a.depth):
        layers += [torch.nn.Linear(d, a.width, dtype=dt), torch.nn.Softplus()]
        d = a.width
    layers.append(torch.nn.Linear(d, 1, dtype=dt))
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step(x, y):
        x = x.clone().requires_grad_(True)
        q, qd = x[:, :2], x[:, 2:]
        qw = torch.remainder(q + math.pi, 2 * math.pi) - math.pi
        u = torch.cat((qw, qd / vscale), 1)
        L = net(u).squeeze(1) + 0.5 * kappa * (qd * qd).sum(1)
        g = torch.autograd.grad(L.sum(), x, create_graph=True)[0]        # [B, 4]
        h = [torch.autograd.grad(g[:, 2 + k].sum(), x, create_graph=True)[0] for k in range(2)]
        C = torch.stack((h[0][:, :2], h[1][:, :2]), 1)                     # C_kj = d2L/dqd_k dq_j
        M = torch.stack((h[0][:, 2:], h[1][:, 2:]), 1)
        M = 0.5 * (M + M.transpose(1, 2))
        r = g[:, :2] - (C @ qd.unsqueeze(2)).squeeze(2)
        qdd = torch.linalg.solve(M, r)
        loss = (qdd - y).abs().sum(1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    gen = torch.Generator().manual_seed(a.seed)
    wall, cpu, loss = [], [], float("nan")
    for s in range(a.warmup + a.steps):
        x = torch.rand(a.batch, 4, generator=gen, dtype=dt)
        x[:, :2] *= 2 * math.pi
        x[:, 2:] = 20 * x[:, 2:] - 10
        y = dp_accel(x)
        t0, c0 = time.perf_counter(), time.process_time()
        loss = step(x, y)
        t1, c1 = time.perf_counter(), time.process_time()
        if s >= a.warmup:
            wall.append(t1 - t0)
            cpu.append(c1 - c0)
    wall.sort()
    cpu.sort()
    med = lambda v: v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])
    print(f"torch        {torch.__version__}, threads {torch.get_num_threads()}, "
          f"width={a.width} depth={a.depth} batch={a.batch} steps={a.steps} last_loss={loss:.6g}")
    print(f"torch_cpu_sec_per_step={med(cpu):.6g}")
    print(f"torch_sec_per_step={med(wall):.6g}")


if __name__ == "__main__":
    main()
