// ll.training — The one trainer: fit(model, data, options), what a model gives it (Trainable), learning-rate schedules.
export { fit } from '../training/fit';
export type { FitOptions, FitResult, FitCheckpoint, StepInfo, EpochRecord } from '../training/fit';
export type { Trainable, Batch, LossWithTerms, TrainingData } from '../training/trainable';
export { learningRateAt } from '../training/learning-rate';
export type { LearningRateSchedule } from '../training/learning-rate';
