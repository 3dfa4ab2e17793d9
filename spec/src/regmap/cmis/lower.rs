//! The lower page (bytes 0..127): identity byte, module state and flags, monitors, module controls, masks, application descriptors, bank and page select.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn lower(v: &mut Vec<Field>, p: &MapParams) {
    v.push(
        f("Identifier", 0, 0)
            .code()
            .reset(0x19)
            .doc("SFF-8024 identifier: 19h, OSFP 8X module with CMIS management."),
    );
    v.push(
        f("CmisRevision", 0, 1)
            .reset(0x52)
            .doc("CMIS revision implemented: major in 7:4, minor in 3:0 (5.2)."),
    );
    v.push(
        f("FlatMem", 0, 2)
            .bits(7, 1)
            .doc("0: paged memory (pages 01h, 02h, 10h+ implemented)."),
    );
    v.push(
        f("TwiMaxSpeed", 0, 2)
            .bits(2, 2)
            .code()
            .reset(1)
            .doc("Two-wire maximum speed: 0 400 kHz, 1 1 MHz."),
    );
    v.push(
        f("ModuleState", 0, 3)
            .bits(1, 3)
            .code()
            .reset(1)
            .hw(HwRole::Input, HwScope::Module, "module_state")
            .doc("1 ModuleLowPwr, 2 ModulePwrUp, 3 ModuleReady, 4 ModulePwrDn, 5 ModuleFault."),
    );
    v.push(
        f("InterruptDeasserted", 0, 3)
            .bits(0, 1)
            .reset(1)
            .doc("1 while IntL is high (no unmasked latched flag set)."),
    );
    // CMIS 5.2 lower bytes 4..7, one a bank: bit 0 page 11h, bit 1 page
    // 12h, bit 2 page 14h, bit 3 page 2Ch (xpo has no 12h/2Ch flags).
    v.push(
        f("FlagSummaryPage11h", 0, 4)
            .bits(0, 1)
            .lanes(4)
            .stride(8)
            .flag_summary("flag_summary_11h", 0x11)
            .doc("Per bank (bytes 4..7): 1 while any latched lane flag on page 11h of the bank is set."),
    );
    v.push(
        f("FlagSummaryPage14h", 0, 4)
            .bits(2, 1)
            .lanes(4)
            .stride(8)
            .flag_summary("flag_summary_14h", 0x14)
            .doc("Per bank (bytes 4..7): 1 while any latched flag on page 14h of the bank is set."),
    );
    v.push(
        f("ModuleStateChanged", 0, 8)
            .bits(0, 1)
            .rc()
            .masked_by("MaskModuleStateChanged")
            .hw(HwRole::Latch, HwScope::Module, "module_state_changed")
            .doc("Latched: ModuleState changed."),
    );
    // Module flags (byte 9) and their masks (byte 32), a bit per level.
    let module_levels: Vec<(String, &str)> = levels("Temp").chain(levels("Vcc")).collect();
    for (i, (name, _)) in module_levels.iter().enumerate() {
        v.push(
            f(&format!("L{name}"), 0, 9)
                .bits(i as u8, 1)
                .rc()
                .masked_by(&format!("M{name}"))
                .hw(
                    HwRole::Latch,
                    HwScope::Module,
                    &format!("flag_{}", level_port(["temp", "vcc"][i / 4], i % 4)),
                )
                .doc(&format!("Latched module flag: {name}.")),
        );
        v.push(
            f(&format!("M{name}"), 0, 32)
                .bits(i as u8, 1)
                .rw()
                .doc(&format!("Mask for L{name}.")),
        );
    }
    v.push(
        f("TemperatureMonitor", 0, 14)
            .len_bytes(2)
            .enc(Encoding::Signed)
            .units(units::TEMPERATURE)
            .hw(HwRole::Input, HwScope::Module, "temperature")
            .doc("Module temperature."),
    );
    v.push(
        f("VccMonitor", 0, 16)
            .len_bytes(2)
            .units(units::VCC)
            .hw(HwRole::Input, HwScope::Module, "vcc")
            .doc("Module supply voltage."),
    );
    v.push(
        f("SoftwareReset", 0, 26)
            .bits(3, 1)
            .sc()
            .hw(HwRole::Pulse, HwScope::Module, "software_reset")
            .doc("Write 1: reset the module as by the Reset pin; reads 0."),
    );
    v.push(
        f("LowPwrRequestSW", 0, 26)
            .bits(4, 1)
            .rw()
            .hw(HwRole::Control, HwScope::Module, "low_pwr_request_sw")
            .doc("1: request ModuleLowPwr."),
    );
    v.push(
        f("LowPwrAllowRequestHW", 0, 26)
            .bits(6, 1)
            .rw()
            .hw(HwRole::Control, HwScope::Module, "low_pwr_allow_request_hw")
            .doc("1: the LowPwr pin may request ModuleLowPwr. Reset value 0 (our choice)."),
    );
    v.push(
        f("MaskModuleStateChanged", 0, 31)
            .bits(0, 1)
            .rw()
            .doc("Mask for ModuleStateChanged: 1 keeps it from asserting IntL."),
    );
    v.push(f("ModuleFaultCause", 0, 41).code().doc("Why ModuleFault: 0 none, 1 TEC runaway, 2 data memory corrupted, 3 program memory corrupted, 32 laser safety interlock (vendor)."));
    v.push(
        f("ModuleFunctionType", 0, 57)
            .code()
            .reset(2)
            .doc("Module function: 2, an external laser resource module (ELSFP)."),
    );
    v.push(
        f("MediaType", 0, 85)
            .code()
            .reset(0x02)
            .doc("Media type: 02h optical single-mode."),
    );
    v.push(
        f("AppDescriptor1", 0, 86)
            .len_bytes(4)
            .reset(p.application.descriptor() as u64)
            .doc("Application 1 (AppSel 1): SFF-8024 host interface ID, media interface ID, host lane count (7:4) and media lane count (3:0), host lane assignment options (xpo_spec::data_path::advertised_application)."),
    );
    v.push(
        f("AppDescriptor", 0, 90)
            .len_bytes(4)
            .lanes(7)
            .reset(0xFF00_0000)
            .doc("Application descriptors 2..8: host interface ID FFh ends the list after Application 1."),
    );
    v.push(
        f("BankSelect", 0, 126)
            .rw()
            .doc("Bank shown in the upper half for banked pages (10h..FFh)."),
    );
    v.push(
        f("PageSelect", 0, 127)
            .rw()
            .doc("Page shown in the upper half (bytes 128..255)."),
    );
}
