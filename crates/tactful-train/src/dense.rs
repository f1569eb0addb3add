//! Logistic regression over dense vectors (the context model's embeddings),
//! L2-penalised, fitted by L-BFGS: a few hundred texts' worth of claims
//! against thousands of ordinary texts, 384 weights, a second or two.

/// Fitted weights and bias.
#[derive(Debug, Clone)]
pub struct Linear {
    pub weights: Vec<f32>,
    pub bias: f32,
}

impl Linear {
    pub fn logit(&self, x: &[f32]) -> f32 {
        self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>() + self.bias
    }
}

/// Minimise Σ log(1 + e^(−y·z)) + ‖w‖² / (2c) over `xs` (rows of equal
/// width) and labels `ys` (1 positive, else negative); the bias is not penalised.
pub fn fit(xs: &[&[f32]], ys: &[bool], c: f64) -> Linear {
    let dim = xs.first().map_or(0, |x| x.len());
    let n = dim + 1;
    let loss = |p: &[f64], grad: &mut [f64]| -> f64 {
        grad.fill(0.0);
        let mut f = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            let z: f64 = x.iter().zip(p).map(|(&v, w)| f64::from(v) * w).sum::<f64>() + p[dim];
            let s = if y { 1.0 } else { -1.0 };
            let m = s * z;
            // log(1 + e^−m), stable for both signs.
            f += if m > 0.0 { (-m).exp().ln_1p() } else { -m + m.exp().ln_1p() };
            let d = -s / (1.0 + m.exp());
            for (g, &v) in grad.iter_mut().zip(x.iter()) {
                *g += d * f64::from(v);
            }
            grad[dim] += d;
        }
        for i in 0..dim {
            f += p[i] * p[i] / (2.0 * c);
            grad[i] += p[i] / c;
        }
        f
    };
    let p = lbfgs(n, &loss, 300);
    Linear { weights: p[..dim].iter().map(|&v| v as f32).collect(), bias: p[dim] as f32 }
}

/// Limited-memory BFGS (ten pairs) with a backtracking line search.
fn lbfgs(n: usize, f: &dyn Fn(&[f64], &mut [f64]) -> f64, max_iter: usize) -> Vec<f64> {
    const M: usize = 10;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut x = vec![0.0; n];
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut pairs: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> = std::collections::VecDeque::new();
    let mut g_new = vec![0.0; n];
    for _ in 0..max_iter {
        // Two-loop recursion: d = −H·g.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(pairs.len());
        for (s, y, rho) in pairs.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(q, y)| *q -= a * y);
            alphas.push(a);
        }
        if let Some((s, y, _)) = pairs.back() {
            let gamma = dot(s, y) / dot(y, y);
            for v in &mut q {
                *v *= gamma;
            }
        } else {
            let norm = dot(&g, &g).sqrt().max(1e-12);
            for v in &mut q {
                *v /= norm;
            }
        }
        for ((s, y, rho), a) in pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(q, s)| *q += (a - b) * s);
        }
        let d: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&g, &d);
        if slope >= 0.0 {
            pairs.clear();
            continue;
        }
        let mut step = 1.0;
        let mut x_new = vec![0.0; n];
        let mut f_new;
        loop {
            x_new.iter_mut().zip(&x).zip(&d).for_each(|((xn, x), d)| *xn = x + step * d);
            f_new = f(&x_new, &mut g_new);
            if f_new <= fx + 1e-4 * step * slope || step < 1e-10 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let done = (fx - f_new).abs() <= 1e-9 * fx.abs().max(1.0);
        x = x_new;
        g.copy_from_slice(&g_new);
        fx = f_new;
        if sy > 1e-12 {
            if pairs.len() == M {
                pairs.pop_front();
            }
            pairs.push_back((s, y, 1.0 / sy));
        }
        if done || dot(&g, &g).sqrt() < 1e-6 {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_clouds_and_the_penalty_shrinks_the_weights() {
        let mut rng = tactful_core::seeded::Rng(7);
        let mut rows = Vec::new();
        let mut ys = Vec::new();
        for i in 0..400 {
            let y = i % 2 == 0;
            let centre = if y { 1.0 } else { -1.0 };
            let noise = |r: &mut tactful_core::seeded::Rng| (r.below(1000) as f32 / 1000.0 - 0.5) * 2.0;
            rows.push(vec![centre + noise(&mut rng), noise(&mut rng)]);
            ys.push(y);
        }
        let xs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let loose = fit(&xs, &ys, 10.0);
        let right = xs.iter().zip(&ys).filter(|(x, y)| (loose.logit(x) > 0.0) == **y).count();
        assert!(right >= 380, "{right} of 400 on the right side");
        assert!(loose.weights[0] > 1.0 && loose.weights[0].abs() > 3.0 * loose.weights[1].abs(), "{loose:?}");
        let tight = fit(&xs, &ys, 0.01);
        assert!(tight.weights[0] < loose.weights[0] / 2.0, "{tight:?} against {loose:?}");
    }
}
