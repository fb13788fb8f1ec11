// The GAN objectives, each written once (lecture 003, "adversarial training"; Goodfellow et al. 2014;
// Gulrajani et al. 2017). A discriminator gives a logit a(x), D(x) = σ(a(x)); every log of D or 1 − D is a
// softplus of the logit, −log σ(a) = softplus(−a), −log(1 − σ(a)) = softplus(a), so no loss takes the log of
// a probability that rounded to 0 or 1. The critic of a Wasserstein GAN gives a score f(x) with no sigmoid.
import * as tf from '@tensorflow/tfjs-core';
import { contract, func, num, str, tensor } from '../../validation/contract';

/** The generator's objective: the original minimax one, the non-saturating one, or the Wasserstein one. */
export type GanLoss = 'minimax' | 'non-saturating' | 'wgan-gp';
export const GAN_LOSSES: readonly GanLoss[] = ['minimax', 'non-saturating', 'wgan-gp'];

const LOGITS = contract('discriminatorLoss', { realLogits: tensor({ rank: 1 }), fakeLogits: tensor({ rank: 1 }) });
const GEN = contract('generatorLoss', { fakeScores: tensor({ rank: 1 }), loss: str(GAN_LOSSES) });
const PENALTY = contract('gradientPenalty', {
  critic: func('a critic (x [n, d]) → scores [n]'), real: tensor({ shape: ['n', 'd'] }), fake: tensor({ shape: ['n', 'd'] }),
  u: tensor({ shape: ['n', 1] }),
});
const CRITIC = contract('criticLoss', { realScores: tensor({ rank: 1 }), fakeScores: tensor({ rank: 1 }), penalty: tensor({ rank: 0 }), weight: num({ min: 0 }) });

/**
 * The discriminator's loss, the negated GAN value (D60), from logits a [n] on real and fake points:
 *
 *     L_D = −E_p log D(x) − E_q log(1 − D(x̃)) = mean softplus(−a_real) + mean softplus(a_fake)
 *
 * Its minimizer over all functions is D* = p/(p + q) (D60), where −L_D = 2 JS(p‖q) − log 4 (D61).
 * Shapes: realLogits [n], fakeLogits [m] → scalar. Example: `discriminatorLoss(tf.tensor1d([3]), tf.tensor1d([-3]))`.
 */
export function discriminatorLoss(realLogits: tf.Tensor1D, fakeLogits: tf.Tensor1D): tf.Scalar {
  LOGITS.check(arguments);
  return tf.tidy(() => tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar);
}

/**
 * The generator's loss from the discriminator's logits a [n] (or the critic's scores) on fake points:
 *
 *     minimax:         E log(1 − D(G(z)))  = −mean softplus(a)      (the game's own value; saturates when D ≈ 0)
 *     non-saturating:  −E log D(G(z))      =  mean softplus(−a)     (same fixed point, gradient −(1 − D) ∂a, D62)
 *     wgan-gp:         −E f(G(z))          = −mean a
 *
 * Shapes: fakeScores [n] → scalar. Example: `generatorLoss(logits, 'non-saturating')`.
 */
export function generatorLoss(fakeScores: tf.Tensor1D, loss: GanLoss): tf.Scalar {
  GEN.check(arguments);
  return tf.tidy(() => {
    if (loss === 'minimax') return tf.neg(tf.mean(tf.softplus(fakeScores))) as tf.Scalar;
    if (loss === 'non-saturating') return tf.mean(tf.softplus(tf.neg(fakeScores))) as tf.Scalar;
    return tf.neg(tf.mean(fakeScores)) as tf.Scalar;
  });
}

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017) at points between real and fake, x̂ = u x + (1 − u) x̃,
 * u ~ U(0, 1) per row:
 *
 *     P = E (‖∇_x̂ f(x̂)‖ − 1)²
 *
 * which pushes the critic toward the 1-Lipschitz functions the Kantorovich–Rubinstein dual ranges over. The
 * gradient is taken inside the caller's tape, so the penalty is differentiable in the critic's weights.
 * Shapes: real, fake [n, d], u [n, 1] → scalar. Example: `gradientPenalty((x) => critic.scores(x), real, fake, u)`.
 */
export function gradientPenalty(critic: (x: tf.Tensor2D) => tf.Tensor1D, real: tf.Tensor2D, fake: tf.Tensor2D, u: tf.Tensor2D): tf.Scalar {
  PENALTY.check(arguments);
  return tf.tidy(() => {
    const between = tf.add(tf.mul(u, real), tf.mul(tf.sub(1, u), fake)) as tf.Tensor2D;
    const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor2D)))(between);
    // a tiny floor inside the root: ‖g‖'s own gradient is g/‖g‖, undefined at g = 0
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  });
}

/**
 * The critic's loss of a Wasserstein GAN with gradient penalty: the negated dual estimate of W₁ plus λ P,
 *
 *     L_f = E_q f(x̃) − E_p f(x) + λ E (‖∇f(x̂)‖ − 1)²,    λ = `weight` (10 in the paper)
 *
 * Shapes: realScores [n], fakeScores [m], penalty scalar → scalar. Example: `criticLoss(fReal, fFake, gradientPenalty(...), 10)`.
 */
export function criticLoss(realScores: tf.Tensor1D, fakeScores: tf.Tensor1D, penalty: tf.Scalar, weight: number): tf.Scalar {
  CRITIC.check(arguments);
  return tf.tidy(() => tf.add(tf.sub(tf.mean(fakeScores), tf.mean(realScores)), tf.mul(penalty, weight)) as tf.Scalar);
}
