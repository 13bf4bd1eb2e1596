"""Emulate the mma attend loop of runs/s14/mma_program_cuda.py for one warp, lane by lane (PTX m16n8k16 layouts)."""
import numpy as np
rng = np.random.default_rng(0)
D = 128
L = 200
Q = rng.standard_normal((2, D)).astype(np.float32)
K = rng.standard_normal((L, D)).astype(np.float32)
V = rng.standard_normal((L, D)).astype(np.float32)
scale = D ** -0.5

def chunk(row, c):  # 8 dims starting at dim c*8... here given as dim offset
    return row[c:c + 8]

def mma(d, A_of_lane, B_of_lane):
    """d[lane] = 4 floats; A_of_lane(lane) -> 8 values (a0..a7 in PTX element order), B -> 4 values (b0..b3)."""
    A = np.zeros((16, 16)); B = np.zeros((16, 8))
    for lane in range(32):
        g, t = lane // 4, lane % 4
        a = A_of_lane(lane); b = B_of_lane(lane)
        A[g, 2*t], A[g, 2*t+1] = a[0], a[1]
        A[g+8, 2*t], A[g+8, 2*t+1] = a[2], a[3]
        A[g, 2*t+8], A[g, 2*t+9] = a[4], a[5]
        A[g+8, 2*t+8], A[g+8, 2*t+9] = a[6], a[7]
        B[2*t, g], B[2*t+1, g] = b[0], b[1]
        B[2*t+8, g], B[2*t+9, g] = b[2], b[3]
    C = A @ B
    for lane in range(32):
        g, t = lane // 4, lane % 4
        d[lane] += np.array([C[g, 2*t], C[g, 2*t+1], C[g+8, 2*t], C[g+8, 2*t+1]])

def dim_of(j, n): return (j // 8) * 64 + 8 * n + j % 8

begin, end = 0, L
row_max = np.full(32, -1e30); row_sum = np.zeros(32); o = np.zeros((32, 16, 4))
def qchunk(lane, c):
    g, t = lane // 4, lane % 4
    return Q[g, 32*c + 8*t: 32*c + 8*t + 8] if g < 2 else np.zeros(8)
for key0 in range(begin, end, 16):
    def krow(r): return K[r if r < end else begin]
    def vrow(r): return V[r if r < end else begin]
    s = [np.zeros((32, 4)), np.zeros((32, 4))]
    for half in range(2):
        for step in range(8):
            c, e = step // 2, step % 2
            def A(lane):
                q = qchunk(lane, c)
                a01 = q[4*e:4*e+2]; a45 = q[4*e+2:4*e+4]
                return [a01[0], a01[1], 0, 0, a45[0], a45[1], 0, 0]
            def B(lane):
                g, t = lane // 4, lane % 4
                k = krow(key0 + 8*half + g)[32*c + 8*t: 32*c + 8*t + 8]
                return [k[4*e], k[4*e+1], k[4*e+2], k[4*e+3]]
            mma(s[half], A, B)
    p_all = np.zeros((32, 4)); corr = np.zeros(32)
    for lane in range(32):
        g, t = lane // 4, lane % 4
        score = [s[0][lane][0], s[0][lane][1], s[1][lane][0], s[1][lane][1]]
        key_of = [key0 + 2*t, key0 + 2*t + 1, key0 + 8 + 2*t, key0 + 9 + 2*t]
        score = [x * scale if k < end else -1e30 for x, k in zip(score, key_of)]
        p_all[lane] = score; 
    # max over the 4 lanes of row g
    scores = p_all.copy()
    for lane in range(32):
        g = lane // 4
        m = max(scores[4*g + tt][i] for tt in range(4) for i in range(4))
        new_max = max(row_max[lane], m)
        corr[lane] = np.exp(row_max[lane] - new_max)
        t = lane % 4
        key_of = [key0 + 2*t, key0 + 2*t + 1, key0 + 8 + 2*t, key0 + 9 + 2*t]
        p = [np.exp(scores[lane][i] - new_max) if key_of[i] < end else 0.0 for i in range(4)]
        row_sum[lane] = row_sum[lane] * corr[lane] + sum(p)
        row_max[lane] = new_max
        p_all[lane] = p  # reuse as p
    for j in range(16):
        for lane in range(32):
            o[lane, j, 0] *= corr[lane]; o[lane, j, 1] *= corr[lane]
        def A(lane):
            p = p_all[lane]
            return [p[0], p[1], 0, 0, p[2], p[3], 0, 0]
        def B(lane):
            g, t = lane // 4, lane % 4
            c, el = j // 8, j % 8
            rows = [key0 + 2*t, key0 + 2*t + 1, key0 + 8 + 2*t, key0 + 9 + 2*t]
            vals = [vrow(r)[64*c + 8*g + el] for r in rows]
            return vals
        d = o[:, j, :].copy(); mma(d, A, B); o[:, j, :] = d
# reduce sums over t
out = np.zeros((2, D))
for g in range(2):
    total = sum(row_sum[4*g + t] for t in range(4))
    for t in range(4):
        lane = 4*g + t
        for j in range(16):
            for n in range(2):
                out[g, dim_of(j, 2*t + n)] = o[lane, j, n] / total
# reference
sc = Q @ K.T * scale
P = np.exp(sc - sc.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
ref = P @ V
print("max abs err", np.abs(out - ref).max(), "dims covered", len({dim_of(j, n) for j in range(16) for n in range(8)}))
