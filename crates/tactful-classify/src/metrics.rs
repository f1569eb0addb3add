//! Precision, recall and F1 for yes/no heads, and a confusion matrix for
//! softmax heads.

/// Counts for one positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    pub true_neg: usize,
}

impl Tally {
    pub fn add(&mut self, expected: bool, predicted: bool) {
        match (expected, predicted) {
            (true, true) => self.true_pos += 1,
            (false, true) => self.false_pos += 1,
            (true, false) => self.false_neg += 1,
            (false, false) => self.true_neg += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.true_pos + self.false_pos + self.false_neg + self.true_neg
    }
    pub fn positives(&self) -> usize {
        self.true_pos + self.false_neg
    }
    /// None when nothing was predicted positive.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }
    /// None when there are no positives.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
    /// F1 of the positive class: 0 when nothing is found, None when there are
    /// no positives and none were predicted.
    pub fn f1(&self) -> Option<f64> {
        let d = 2 * self.true_pos + self.false_pos + self.false_neg;
        ratio(2 * self.true_pos, d)
    }
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.true_pos + self.true_neg, self.total())
    }
    /// The mean of the F1 of the positive class and of the negative class,
    /// over the classes that occur. Papers on these sets often report this
    /// one (the complaints papers compare macro-F1), and it reads higher
    /// than the positive class's F1 when positives are the minority.
    pub fn macro_f1(&self) -> Option<f64> {
        let negative = Tally {
            true_pos: self.true_neg,
            false_pos: self.false_neg,
            false_neg: self.false_pos,
            true_neg: self.true_pos,
        };
        let f: Vec<f64> = [self, &negative]
            .into_iter()
            .filter(|t| t.positives() > 0)
            .map(|t| t.f1().unwrap_or(0.0))
            .collect();
        (!f.is_empty()).then(|| f.iter().sum::<f64>() / f.len() as f64)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// A confusion matrix: `counts[expected][predicted]`, with one more column
/// for "no answer" (a softmax head under its threshold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    pub fn new(classes: usize) -> Self {
        Confusion { counts: vec![vec![0; classes + 1]; classes] }
    }
    pub fn classes(&self) -> usize {
        self.counts.len()
    }
    /// Count one text; `None` is no answer.
    pub fn add(&mut self, expected: usize, predicted: Option<usize>) {
        let col = predicted.unwrap_or(self.counts.len());
        self.counts[expected][col] += 1;
    }
    /// The yes/no tally of one class against the rest.
    pub fn tally(&self, class: usize) -> Tally {
        let mut t = Tally::default();
        for (e, row) in self.counts.iter().enumerate() {
            for (p, &n) in row.iter().enumerate() {
                match (e == class, p == class) {
                    (true, true) => t.true_pos += n,
                    (false, true) => t.false_pos += n,
                    (true, false) => t.false_neg += n,
                    (false, false) => t.true_neg += n,
                }
            }
        }
        t
    }
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
    pub fn accuracy(&self) -> Option<f64> {
        let right: usize = (0..self.counts.len()).map(|i| self.counts[i][i]).sum();
        ratio(right, self.total())
    }
    /// The mean F1 over the classes that occur in the expected labels.
    pub fn macro_f1(&self) -> Option<f64> {
        let f: Vec<f64> = (0..self.counts.len())
            .filter(|&c| self.counts[c].iter().sum::<usize>() > 0)
            .map(|c| self.tally(c).f1().unwrap_or(0.0))
            .collect();
        (!f.is_empty()).then(|| f.iter().sum::<f64>() / f.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_by_hand() {
        let mut t = Tally::default();
        for (e, p) in [(true, true), (true, true), (true, false), (false, true), (false, false)] {
            t.add(e, p);
        }
        assert_eq!(t.precision(), Some(2.0 / 3.0));
        assert_eq!(t.recall(), Some(2.0 / 3.0));
        assert!((t.f1().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // The negative class: 1 right, 1 false alarm, 1 missed -> F1 1/2.
        assert!((t.macro_f1().unwrap() - f64::midpoint(2.0 / 3.0, 0.5)).abs() < 1e-12);
    }

    #[test]
    fn macro_f1_of_a_constant_no_is_half_the_negative_class_f1() {
        let mut t = Tally::default();
        for e in [true, false, false, false] {
            t.add(e, false);
        }
        assert_eq!(t.f1(), Some(0.0));
        // Negative class: precision 3/4, recall 1 -> F1 6/7; mean with 0.
        assert!((t.macro_f1().unwrap() - 3.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn macro_f1_skips_absent_classes() {
        let mut c = Confusion::new(3);
        c.add(0, Some(0));
        c.add(1, Some(1));
        c.add(1, Some(0));
        c.add(2, None);
        // class 0 f1 = 2/3, class 1 f1 = 2/3, class 2 (no answer) f1 = 0
        assert!((c.macro_f1().unwrap() - 4.0 / 9.0).abs() < 1e-12);
        assert_eq!(c.accuracy(), Some(0.5));
        assert_eq!(c.tally(0).false_pos, 1);
    }
}
