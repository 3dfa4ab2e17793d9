use super::*;
use crate::EngineKind;

fn parse_ok(text: &str) -> Scenario {
    parse(text, Path::new("t.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(text: &str) -> ScenarioError {
    parse(text, Path::new("t.toml")).unwrap_err()
}

/// Times in the file's units become cycles of the configured clock,
/// rounded up (156.25 MHz: 6.4 ns a cycle).
#[test]
fn times_are_cycles_of_the_configured_clock() {
    let s = parse_ok("duration = \"1.5 ms\"\n");
    assert_eq!(s.cycles, 234_375);
    let s = parse_ok("duration = \"300 us\"\n");
    assert_eq!(s.cycles, 46_875);
    let s = parse_ok("duration = \"500 ns\"\n");
    assert_eq!(s.cycles, 79);
    let s = parse_ok("duration = \"2000 cycles\"\n");
    assert_eq!(s.cycles, 2_000);
    let s = parse_ok("duration = \"1 us\"\n[config]\nclock_hz = 100000000\n");
    assert_eq!(s.cycles, 100);
    let e = parse_err("duration = \"1.5 cycles\"\n");
    assert_eq!((e.line, e.column), (1, 12));
    let e = parse_err("duration = \"0 us\"\n");
    assert!(e.message.contains("above 0"), "{e}");
}

/// The timeline is sorted by time; entries at the same time keep the
/// file's order (a host's calls in sequence), and each knows its line.
#[test]
fn the_timeline_is_in_time_order_keeping_the_files_order_at_a_time() {
    let s = parse_ok(
        "duration = \"10 us\"\n\
         [[at]]\ntime = \"5 us\"\npin = { name = \"LPMode\", level = 1 }\n\
         [[at]]\ntime = \"1 us\"\nwrite = { field = \"DPDeinit\", lanes = \"all\", value = 1 }\n\
         [[at]]\ntime = \"1 us\"\nread = { field = \"ModuleState\", bus = \"axi\" }\n",
    );
    let lines: Vec<usize> = s.actions.iter().map(|a| a.line).collect();
    assert_eq!(lines, [5, 8, 2]);
    assert_eq!(s.actions[0].cycle, 157);
    assert_eq!(
        s.actions[0].kind,
        ActionKind::Write {
            field: "DPDeinit".into(),
            lanes: 0..8,
            value: 1,
            bus: Bus::I2c
        }
    );
    assert_eq!(
        s.actions[1].kind,
        ActionKind::Read {
            field: "ModuleState".into(),
            lanes: 0..1,
            bus: Bus::Axi
        }
    );
    assert_eq!(
        s.actions[2].kind,
        ActionKind::Pin {
            pin: Pin::LpMode,
            high: true
        }
    );
    assert_eq!(s.engines, EngineKind::ALL.to_vec());
    assert!(matches!(s.lanes, LaneSetup::Retimer { .. }));
}

/// Coded fields take their state names; ranges of lanes; windows.
#[test]
fn expectations_take_state_names_lane_ranges_and_windows() {
    let s = parse_ok(
        "duration = \"100 us\"\n\
         [[expect]]\nfield = \"ModuleState\"\nequals = \"ModuleReady\"\nby = \"10 us\"\n\
         [[expect]]\nfield = \"DPState\"\nlanes = \"2..5\"\nequals = \"DPActivated\"\nfrom = \"20 us\"\nuntil = \"30 us\"\npoll = \"2 us\"\n\
         [[expect]]\nlaser_power_mw = 50.0\nlane = 7\nafter = \"50 us\"\nby = \"100 us\"\n",
    );
    let e = &s.expectations;
    assert_eq!(
        e[0].check,
        Check::Field {
            field: "ModuleState".into(),
            lanes: 0..1,
            bus: Bus::Axi,
            equals: Some(3),
            at_least: None,
            at_most: None
        }
    );
    assert_eq!(
        e[0].window,
        Window::By {
            after: 0,
            by: 1_563
        }
    );
    assert_eq!(e[0].poll, 157);
    assert!(matches!(&e[1].check, Check::Field { lanes, equals: Some(4), .. } if *lanes == (2..5)));
    assert_eq!(
        e[1].window,
        Window::Throughout {
            from: 3_125,
            until: 4_688
        }
    );
    assert_eq!(e[1].poll, 313);
    assert_eq!(
        e[2].check,
        Check::LaserPower {
            lane: 7,
            mw: 50.0,
            tolerance_pct: 2.0,
            tolerance_mw: 0.0
        }
    );
    assert!(e[2].check.holds(49.1) && !e[2].check.holds(48.9) && !e[2].check.holds(51.1));
    assert_eq!(e[0].line, 2);
    assert!(e[1].text.contains("DPState[2..5]") && e[1].text.contains("from 20 us until 30 us"));
}

/// A lane out of a laser bank's range, a field of the other bank count:
/// the configuration decides what exists.
#[test]
fn the_configuration_decides_which_lanes_exist() {
    let text = "duration = \"10 us\"\n[config]\nlanes = 4\n\
                [[at]]\ntime = \"1 us\"\nwrite = { field = \"DPDeinit\", lane = 5, value = 1 }\n";
    let e = parse_err(text);
    assert_eq!((e.line, e.column), (6, 38));
    assert!(e.message.contains("lanes 0..4"), "{e}");
    // Sixteen laser lanes: two banks of 1Ah/1Bh, lane 12 exists.
    let s = parse_ok(
        "duration = \"10 us\"\n[config]\nlaser_lanes = 16\n\
         [[at]]\ntime = \"1 us\"\nwrite = { field = \"LaneEnable\", lane = 12, value = 1 }\n",
    );
    assert_eq!(s.actions.len(), 1);
}

/// Runs on the model: register reads come back with their values, the
/// expectations are judged, and a wrong one fails with what was seen.
#[test]
fn a_model_run_reads_back_and_judges() {
    let s = parse_ok(
        "duration = \"40 us\"\nengines = [\"model\"]\nlanes = \"idle\"\n\
         [[at]]\ntime = \"5 us\"\nread = { field = \"ModuleState\" }\n\
         [[at]]\ntime = \"5 us\"\nread = { field = \"ModuleState\", bus = \"axi\" }\n\
         [[expect]]\nfield = \"ModuleState\"\nequals = \"ModuleReady\"\nby = \"5 us\"\n\
         [[expect]]\nfield = \"ModuleState\"\nequals = \"ModuleFault\"\nby = \"10 us\"\n",
    );
    let r = run_scenario(&s, &ScenarioOptions::default()).unwrap();
    assert!(r.divergence.is_none());
    // Over I2C (tens of microseconds) and AXI (a few cycles) alike.
    for a in &r.actions {
        assert_eq!(a.value.as_deref(), Some("3 (ModuleReady)"), "{a:?}");
        assert!(a.completed_us.unwrap() > a.started_us.unwrap());
    }
    let (i2c, axi) = (&r.actions[0], &r.actions[1]);
    assert!(
        i2c.completed_us.unwrap() - i2c.started_us.unwrap() > 10.0,
        "{i2c:?}"
    );
    assert!(
        axi.completed_us.unwrap() - axi.started_us.unwrap() < 1.0,
        "{axi:?}"
    );
    assert!(r.expectations[0].passed);
    let wrong = &r.expectations[1];
    assert!(!wrong.passed);
    assert_eq!(wrong.observed.as_deref(), Some("3 (ModuleReady)"));
    assert!(wrong.polls >= 5, "{wrong:?}");
    assert!(!r.passed);
    let reasons = r.failure_reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with("line 14: expected ModuleState[0] = \"ModuleFault\""),
        "{reasons:?}"
    );
}
