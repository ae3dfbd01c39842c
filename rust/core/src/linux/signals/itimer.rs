//! ITIMER_REAL: SIGALRM by host wall time (setitimer; riscv64 has no alarm
//! syscall, glibc's alarm() calls setitimer).

use std::time::{Duration, Instant};

/// The real-time interval timer; disarmed when `deadline` is None.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealTimer {
    pub deadline: Option<Instant>,
    pub interval: Duration,
}

impl RealTimer {
    pub fn armed(&self) -> bool {
        self.deadline.is_some()
    }

    /// Arm (a zero `value` disarms) and return the previous (value left,
    /// interval).
    pub fn set(&mut self, value: Duration, interval: Duration, now: Instant) -> (Duration, Duration) {
        let old = self.get(now);
        self.deadline = if value.is_zero() { None } else { Some(now + value) };
        self.interval = interval;
        old
    }

    /// (value left, interval). An armed timer whose time has just come
    /// reports 1 us left, as Linux does, so it never looks disarmed.
    pub fn get(&self, now: Instant) -> (Duration, Duration) {
        let left = match self.deadline {
            Some(d) => d.saturating_duration_since(now).max(Duration::from_micros(1)),
            None => Duration::ZERO,
        };
        (left, self.interval)
    }

    /// True when the timer expired by `now`; it is then re-armed one
    /// interval after the missed expiry (skipping whole missed periods,
    /// whose signals would merge anyway) or disarmed.
    pub fn expire(&mut self, now: Instant) -> bool {
        let Some(d) = self.deadline else { return false };
        if d > now {
            return false;
        }
        self.deadline = if self.interval.is_zero() {
            None
        } else {
            let behind = now.duration_since(d).as_nanos() / self.interval.as_nanos();
            let periods = u32::try_from(behind + 1).unwrap_or(u32::MAX);
            Some(d + self.interval.saturating_mul(periods))
        };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_and_periodic_expiry() {
        let t0 = Instant::now();
        let mut t = RealTimer::default();
        assert_eq!(t.set(Duration::from_millis(20), Duration::ZERO, t0), (Duration::ZERO, Duration::ZERO));
        assert!(!t.expire(t0 + Duration::from_millis(19)));
        assert_eq!(t.get(t0 + Duration::from_millis(15)).0, Duration::from_millis(5));
        assert!(t.expire(t0 + Duration::from_millis(20)));
        assert!(!t.armed());

        t.set(Duration::from_millis(10), Duration::from_millis(10), t0);
        assert!(t.expire(t0 + Duration::from_millis(35)));
        assert_eq!(t.deadline, Some(t0 + Duration::from_millis(40)));
        let (left, interval) = t.set(Duration::ZERO, Duration::ZERO, t0 + Duration::from_millis(39));
        assert_eq!((left, interval), (Duration::from_millis(1), Duration::from_millis(10)));
        assert!(!t.armed());
    }
}
