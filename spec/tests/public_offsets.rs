//! Every field of the register map pinned to its page, byte, bits and
//! instance layout, from a table typed from public maps — never derived
//! from `regmap/cmis/`. Sources, per row:
//!
//! - `S`: SONiC `sonic-platform-common`,
//!   `sonic_platform_base/sonic_xcvr/mem_maps/public/cmis.py` (CMIS 5.0
//!   memory map used by SONiC's xcvrd);
//! - `F`: FBOSS `fboss/qsfp_service/module/cmis/CmisModule.cpp`
//!   (`cmisFields`, page/offset/length);
//! - `E`: OIF-ELSFP-CMIS pages 1Ah/1Bh and the CMIS lower-page bits, as
//!   compiled in `shared/reference/cmis-elsfp.md` (neither SONiC nor FBOSS
//!   maps the ELSFP pages);
//! - `X`: xpo's own choice where no public map gives the bits (stated in
//!   the field's description and the README).
//!
//! Lane 1 is the lowest bit / nibble / byte everywhere (CMIS convention).

use xpo_spec::EngineConfig;

/// How the instances of a field are laid out after the first.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// One instance.
    One,
    /// Instance i starts `n * i` bytes after the first, same bits.
    Bytes(u8),
    /// Instances packed LSB first, `n` bits each, across consecutive bytes
    /// (lane 1 in the lowest bits of the first byte).
    Bits(u8),
}
use Layout::*;

/// (name, page, first byte, lsb, width in bits, instances, layout, source)
type Row = (&'static str, u8, u8, u8, u16, u8, Layout, char);

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // Lower page
    ("Identifier", 0x00, 0, 0, 8, 1, One, 'S'),
    ("CmisRevision", 0x00, 1, 0, 8, 1, One, 'S'),
    ("FlatMem", 0x00, 2, 7, 1, 1, One, 'S'),
    ("TwiMaxSpeed", 0x00, 2, 2, 2, 1, One, 'E'),
    ("ModuleState", 0x00, 3, 1, 3, 1, One, 'S'),
    ("InterruptDeasserted", 0x00, 3, 0, 1, 1, One, 'E'),
    ("FlagSummaryPage11h", 0x00, 4, 0, 1, 4, Bytes(1), 'F'),
    ("FlagSummaryPage14h", 0x00, 4, 2, 1, 4, Bytes(1), 'F'),
    ("ModuleStateChanged", 0x00, 8, 0, 1, 1, One, 'E'),
    ("LTempHighAlarm", 0x00, 9, 0, 1, 1, One, 'S'),
    ("LTempLowAlarm", 0x00, 9, 1, 1, 1, One, 'S'),
    ("LTempHighWarning", 0x00, 9, 2, 1, 1, One, 'S'),
    ("LTempLowWarning", 0x00, 9, 3, 1, 1, One, 'S'),
    ("LVccHighAlarm", 0x00, 9, 4, 1, 1, One, 'S'),
    ("LVccLowAlarm", 0x00, 9, 5, 1, 1, One, 'S'),
    ("LVccHighWarning", 0x00, 9, 6, 1, 1, One, 'S'),
    ("LVccLowWarning", 0x00, 9, 7, 1, 1, One, 'S'),
    ("TemperatureMonitor", 0x00, 14, 0, 16, 1, One, 'S'),
    ("VccMonitor", 0x00, 16, 0, 16, 1, One, 'S'),
    ("SoftwareReset", 0x00, 26, 3, 1, 1, One, 'E'),
    ("LowPwrRequestSW", 0x00, 26, 4, 1, 1, One, 'E'),
    ("LowPwrAllowRequestHW", 0x00, 26, 6, 1, 1, One, 'E'),
    ("MaskModuleStateChanged", 0x00, 31, 0, 1, 1, One, 'E'),
    ("MTempHighAlarm", 0x00, 32, 0, 1, 1, One, 'E'),
    ("MTempLowAlarm", 0x00, 32, 1, 1, 1, One, 'E'),
    ("MTempHighWarning", 0x00, 32, 2, 1, 1, One, 'E'),
    ("MTempLowWarning", 0x00, 32, 3, 1, 1, One, 'E'),
    ("MVccHighAlarm", 0x00, 32, 4, 1, 1, One, 'E'),
    ("MVccLowAlarm", 0x00, 32, 5, 1, 1, One, 'E'),
    ("MVccHighWarning", 0x00, 32, 6, 1, 1, One, 'E'),
    ("MVccLowWarning", 0x00, 32, 7, 1, 1, One, 'E'),
    ("ModuleFaultCause", 0x00, 41, 0, 8, 1, One, 'S'),
    ("ModuleFunctionType", 0x00, 57, 0, 8, 1, One, 'E'),
    ("MediaType", 0x00, 85, 0, 8, 1, One, 'S'),
    ("AppDescriptor1", 0x00, 86, 0, 32, 1, One, 'S'),
    ("AppDescriptor", 0x00, 90, 0, 32, 7, Bytes(4), 'S'),
    ("BankSelect", 0x00, 126, 0, 8, 1, One, 'F'),
    ("PageSelect", 0x00, 127, 0, 8, 1, One, 'F'),
    // Page 00h
    ("IdentifierCopy", 0x00, 128, 0, 8, 1, One, 'S'),
    ("VendorName", 0x00, 129, 0, 128, 1, One, 'S'),
    ("VendorOui", 0x00, 145, 0, 24, 1, One, 'S'),
    ("VendorPartNumber", 0x00, 148, 0, 128, 1, One, 'S'),
    ("VendorRevision", 0x00, 164, 0, 16, 1, One, 'S'),
    ("VendorSerialNumber", 0x00, 166, 0, 128, 1, One, 'S'),
    ("DateCode", 0x00, 182, 0, 64, 1, One, 'S'),
    ("PowerClass", 0x00, 200, 5, 3, 1, One, 'S'),
    ("MaxPower", 0x00, 201, 0, 8, 1, One, 'S'),
    ("PageChecksum00h", 0x00, 222, 0, 8, 1, One, 'F'),
    // Page 01h
    ("DPInitDuration", 0x01, 144, 0, 4, 1, One, 'S'),
    ("DPDeinitDuration", 0x01, 144, 4, 4, 1, One, 'S'),
    ("TxDisableSupported", 0x01, 155, 1, 1, 1, One, 'S'),
    ("RxDisableSupported", 0x01, 156, 1, 1, 1, One, 'S'),
    ("TxFlagsSupported", 0x01, 157, 0, 4, 1, One, 'S'),
    ("RxFlagsSupported", 0x01, 158, 1, 2, 1, One, 'S'),
    ("LaneMonitorsSupported", 0x01, 160, 0, 3, 1, One, 'S'),
    ("TxBiasMultiplier", 0x01, 160, 3, 2, 1, One, 'S'),
    ("ModulePwrUpDuration", 0x01, 167, 0, 4, 1, One, 'S'),
    ("ModulePwrDnDuration", 0x01, 167, 4, 4, 1, One, 'S'),
    ("TxTurnOnDuration", 0x01, 168, 0, 4, 1, One, 'S'),
    ("TxTurnOffDuration", 0x01, 168, 4, 4, 1, One, 'S'),
    ("MediaLaneAssignmentOptions1", 0x01, 176, 0, 8, 1, One, 'S'),
    ("MediaLaneAssignmentOptions", 0x01, 177, 0, 8, 7, Bytes(1), 'S'),
    ("PageChecksum01h", 0x01, 255, 0, 8, 1, One, 'F'),
    // Page 02h
    ("TempHighAlarm", 0x02, 128, 0, 16, 1, One, 'S'),
    ("TempLowAlarm", 0x02, 130, 0, 16, 1, One, 'S'),
    ("TempHighWarning", 0x02, 132, 0, 16, 1, One, 'S'),
    ("TempLowWarning", 0x02, 134, 0, 16, 1, One, 'S'),
    ("VccHighAlarm", 0x02, 136, 0, 16, 1, One, 'S'),
    ("VccLowAlarm", 0x02, 138, 0, 16, 1, One, 'S'),
    ("VccHighWarning", 0x02, 140, 0, 16, 1, One, 'S'),
    ("VccLowWarning", 0x02, 142, 0, 16, 1, One, 'S'),
    ("TxPowerHighAlarm", 0x02, 176, 0, 16, 1, One, 'S'),
    ("TxPowerLowAlarm", 0x02, 178, 0, 16, 1, One, 'S'),
    ("TxPowerHighWarning", 0x02, 180, 0, 16, 1, One, 'S'),
    ("TxPowerLowWarning", 0x02, 182, 0, 16, 1, One, 'S'),
    ("TxBiasHighAlarm", 0x02, 184, 0, 16, 1, One, 'S'),
    ("TxBiasLowAlarm", 0x02, 186, 0, 16, 1, One, 'S'),
    ("TxBiasHighWarning", 0x02, 188, 0, 16, 1, One, 'S'),
    ("TxBiasLowWarning", 0x02, 190, 0, 16, 1, One, 'S'),
    ("RxPowerHighAlarm", 0x02, 192, 0, 16, 1, One, 'S'),
    ("RxPowerLowAlarm", 0x02, 194, 0, 16, 1, One, 'S'),
    ("RxPowerHighWarning", 0x02, 196, 0, 16, 1, One, 'S'),
    ("RxPowerLowWarning", 0x02, 198, 0, 16, 1, One, 'S'),
    ("PageChecksum02h", 0x02, 255, 0, 8, 1, One, 'F'),
    // Page 10h: one bit a lane in each bitmap byte
    ("DPDeinit", 0x10, 128, 0, 8, 1, One, 'S'),
    ("TxPolarityFlip", 0x10, 129, 0, 8, 1, One, 'F'),
    ("TxDisable", 0x10, 130, 0, 8, 1, One, 'S'),
    ("TxSquelchDisable", 0x10, 131, 0, 8, 1, One, 'F'),
    ("TxSquelchForce", 0x10, 132, 0, 8, 1, One, 'F'),
    ("RxPolarityFlip", 0x10, 137, 0, 8, 1, One, 'F'),
    ("RxDisable", 0x10, 138, 0, 8, 1, One, 'S'),
    ("RxSquelchDisable", 0x10, 139, 0, 8, 1, One, 'E'),
    ("ApplyDPInit", 0x10, 143, 0, 8, 1, One, 'S'),
    ("ApplyImmediate", 0x10, 144, 0, 8, 1, One, 'S'),
    ("DPConfig", 0x10, 145, 0, 8, 8, Bytes(1), 'S'),
    ("CdrEnableTx", 0x10, 160, 0, 8, 1, One, 'S'),
    ("CdrEnableRx", 0x10, 161, 0, 8, 1, One, 'S'),
    ("MDPStateChanged", 0x10, 213, 0, 8, 1, One, 'E'),
    ("MTxFault", 0x10, 214, 0, 8, 1, One, 'E'),
    ("MTxLOS", 0x10, 215, 0, 8, 1, One, 'E'),
    ("MTxCDRLOL", 0x10, 216, 0, 8, 1, One, 'E'),
    ("MRxLOS", 0x10, 226, 0, 8, 1, One, 'E'),
    ("MRxCDRLOL", 0x10, 227, 0, 8, 1, One, 'E'),
    // Page 11h
    ("DPState", 0x11, 128, 0, 4, 8, Bits(4), 'S'),
    ("RxOutputStatus", 0x11, 132, 0, 8, 1, One, 'S'),
    ("TxOutputStatus", 0x11, 133, 0, 8, 1, One, 'S'),
    ("LDPStateChanged", 0x11, 134, 0, 8, 1, One, 'E'),
    ("LTxFault", 0x11, 135, 0, 8, 1, One, 'S'),
    ("LTxLOS", 0x11, 136, 0, 8, 1, One, 'S'),
    ("LTxCDRLOL", 0x11, 137, 0, 8, 1, One, 'S'),
    ("LTxAdaptiveInputEqFail", 0x11, 138, 0, 8, 1, One, 'S'),
    ("LTxPowerHighAlarm", 0x11, 139, 0, 8, 1, One, 'S'),
    ("LTxPowerLowAlarm", 0x11, 140, 0, 8, 1, One, 'S'),
    ("LTxPowerHighWarning", 0x11, 141, 0, 8, 1, One, 'S'),
    ("LTxPowerLowWarning", 0x11, 142, 0, 8, 1, One, 'S'),
    ("LTxBiasHighAlarm", 0x11, 143, 0, 8, 1, One, 'S'),
    ("LTxBiasLowAlarm", 0x11, 144, 0, 8, 1, One, 'S'),
    ("LTxBiasHighWarning", 0x11, 145, 0, 8, 1, One, 'S'),
    ("LTxBiasLowWarning", 0x11, 146, 0, 8, 1, One, 'S'),
    ("LRxLOS", 0x11, 147, 0, 8, 1, One, 'S'),
    ("LRxCDRLOL", 0x11, 148, 0, 8, 1, One, 'S'),
    ("LRxPowerHighAlarm", 0x11, 149, 0, 8, 1, One, 'S'),
    ("LRxPowerLowAlarm", 0x11, 150, 0, 8, 1, One, 'S'),
    ("LRxPowerHighWarning", 0x11, 151, 0, 8, 1, One, 'S'),
    ("LRxPowerLowWarning", 0x11, 152, 0, 8, 1, One, 'S'),
    ("TxPowerMonitor", 0x11, 154, 0, 16, 8, Bytes(2), 'S'),
    ("TxBiasMonitor", 0x11, 170, 0, 16, 8, Bytes(2), 'S'),
    ("RxPowerMonitor", 0x11, 186, 0, 16, 8, Bytes(2), 'S'),
    ("ConfigStatus", 0x11, 202, 0, 4, 8, Bits(4), 'S'),
    ("DPConfigActive", 0x11, 206, 0, 8, 8, Bytes(1), 'E'),
    ("DPInitPending", 0x11, 235, 0, 8, 1, One, 'E'),
    // Page 13h
    ("LoopbackCapability", 0x13, 128, 0, 8, 1, One, 'S'),
    ("PatternCapability", 0x13, 129, 0, 8, 1, One, 'F'),
    ("HostGenPatternsSupported", 0x13, 132, 0, 16, 1, One, 'F'),
    ("MediaGenPatternsSupported", 0x13, 134, 0, 16, 1, One, 'F'),
    ("HostCheckerPatternsSupported", 0x13, 136, 0, 16, 1, One, 'F'),
    ("MediaCheckerPatternsSupported", 0x13, 138, 0, 16, 1, One, 'F'),
    ("HostGenEnable", 0x13, 144, 0, 8, 1, One, 'F'),
    ("HostGenInvert", 0x13, 145, 0, 8, 1, One, 'F'),
    ("HostGenByteSwap", 0x13, 146, 0, 8, 1, One, 'X'),
    ("HostGenPreFec", 0x13, 147, 0, 8, 1, One, 'F'),
    ("HostGenPatternSelect", 0x13, 148, 0, 4, 8, Bits(4), 'F'),
    ("MediaGenEnable", 0x13, 152, 0, 8, 1, One, 'F'),
    ("MediaGenInvert", 0x13, 153, 0, 8, 1, One, 'F'),
    ("MediaGenByteSwap", 0x13, 154, 0, 8, 1, One, 'X'),
    ("MediaGenPreFec", 0x13, 155, 0, 8, 1, One, 'F'),
    ("MediaGenPatternSelect", 0x13, 156, 0, 4, 8, Bits(4), 'F'),
    ("HostCheckerEnable", 0x13, 160, 0, 8, 1, One, 'F'),
    ("HostCheckerInvert", 0x13, 161, 0, 8, 1, One, 'F'),
    ("HostCheckerByteSwap", 0x13, 162, 0, 8, 1, One, 'X'),
    ("HostCheckerPostFec", 0x13, 163, 0, 8, 1, One, 'F'),
    ("HostCheckerPatternSelect", 0x13, 164, 0, 4, 8, Bits(4), 'F'),
    ("MediaCheckerEnable", 0x13, 168, 0, 8, 1, One, 'F'),
    ("MediaCheckerInvert", 0x13, 169, 0, 8, 1, One, 'F'),
    ("MediaCheckerByteSwap", 0x13, 170, 0, 8, 1, One, 'X'),
    ("MediaCheckerPostFec", 0x13, 171, 0, 8, 1, One, 'F'),
    ("MediaCheckerPatternSelect", 0x13, 172, 0, 4, 8, Bits(4), 'F'),
    // 13h:177 is FBOSS's BER_CTRL byte; the bits are xpo's reading.
    ("ResetErrorCounters", 0x13, 177, 5, 1, 1, One, 'X'),
    ("MeasurementRun", 0x13, 177, 7, 1, 1, One, 'X'),
    ("MediaOutputLoopback", 0x13, 180, 0, 8, 1, One, 'S'),
    ("MediaInputLoopback", 0x13, 181, 0, 8, 1, One, 'S'),
    ("HostOutputLoopback", 0x13, 182, 0, 8, 1, One, 'S'),
    ("HostInputLoopback", 0x13, 183, 0, 8, 1, One, 'S'),
    ("MHostGenLOL", 0x13, 210, 0, 8, 1, One, 'F'),
    ("MMediaGenLOL", 0x13, 211, 0, 8, 1, One, 'F'),
    ("MHostCheckerLOL", 0x13, 212, 0, 8, 1, One, 'F'),
    ("MMediaCheckerLOL", 0x13, 213, 0, 8, 1, One, 'F'),
    // Page 14h
    ("DiagnosticsSelector", 0x14, 128, 0, 8, 1, One, 'F'),
    ("LHostGenLOL", 0x14, 136, 0, 8, 1, One, 'F'),
    ("LMediaGenLOL", 0x14, 137, 0, 8, 1, One, 'F'),
    ("LHostCheckerLOL", 0x14, 138, 0, 8, 1, One, 'F'),
    ("LMediaCheckerLOL", 0x14, 139, 0, 8, 1, One, 'F'),
    ("DiagnosticsData", 0x14, 192, 0, 64, 8, Bytes(8), 'F'),
    // Vendor page 80h (xpo's own)
    ("RetimerBypass", 0x80, 128, 0, 8, 1, One, 'X'),
    ("RxLinkDeskew", 0x80, 129, 0, 8, 1, One, 'X'),
    // Vendor pages 81h (receive) and 82h (transmit): the link's alignment
    ("RxAmLock", 0x81, 128, 0, 8, 1, One, 'X'),
    ("RxLaneAligned", 0x81, 129, 0, 8, 1, One, 'X'),
    ("RxSkewValid", 0x81, 130, 0, 8, 1, One, 'X'),
    ("LRxDeskewError", 0x81, 131, 0, 8, 1, One, 'X'),
    ("MRxDeskewError", 0x81, 132, 0, 8, 1, One, 'X'),
    ("RxLinkHiBer", 0x81, 133, 0, 8, 1, One, 'X'),
    ("RxLaneNumber", 0x81, 136, 0, 8, 8, Bytes(1), 'X'),
    ("RxSkewBlocks", 0x81, 144, 0, 16, 8, Bytes(2), 'X'),
    ("RxSkewBits", 0x81, 160, 0, 32, 8, Bytes(4), 'X'),
    ("RxBipErrors", 0x81, 192, 0, 32, 8, Bytes(4), 'X'),
    ("TxAmLock", 0x82, 128, 0, 8, 1, One, 'X'),
    ("TxLaneAligned", 0x82, 129, 0, 8, 1, One, 'X'),
    ("TxSkewValid", 0x82, 130, 0, 8, 1, One, 'X'),
    ("LTxDeskewError", 0x82, 131, 0, 8, 1, One, 'X'),
    ("MTxDeskewError", 0x82, 132, 0, 8, 1, One, 'X'),
    ("TxLinkHiBer", 0x82, 133, 0, 8, 1, One, 'X'),
    ("TxLaneNumber", 0x82, 136, 0, 8, 8, Bytes(1), 'X'),
    ("TxSkewBlocks", 0x82, 144, 0, 16, 8, Bytes(2), 'X'),
    ("TxSkewBits", 0x82, 160, 0, 32, 8, Bytes(4), 'X'),
    ("TxBipErrors", 0x82, 192, 0, 32, 8, Bytes(4), 'X'),
    // ELSFP page 1Ah: 8 laser lanes a bank
    ("LaserMaxPower", 0x1A, 128, 0, 16, 1, One, 'E'),
    ("LaserMinPower", 0x1A, 130, 0, 16, 1, One, 'E'),
    ("LaserMaxBias", 0x1A, 132, 0, 16, 1, One, 'E'),
    ("LaserMinBias", 0x1A, 134, 0, 16, 1, One, 'E'),
    ("LaserControlMode", 0x1A, 140, 0, 1, 1, One, 'E'),
    ("LaserLaneCount", 0x1A, 140, 1, 7, 1, One, 'E'),
    ("LaserBiasHighAlarm", 0x1A, 141, 0, 16, 1, One, 'E'),
    ("LaserBiasLowAlarm", 0x1A, 143, 0, 16, 1, One, 'E'),
    ("LaserBiasHighWarning", 0x1A, 145, 0, 16, 1, One, 'E'),
    ("LaserBiasLowWarning", 0x1A, 147, 0, 16, 1, One, 'E'),
    ("LaserPowerHighAlarm", 0x1A, 149, 0, 16, 1, One, 'E'),
    ("LaserPowerLowAlarm", 0x1A, 151, 0, 16, 1, One, 'E'),
    ("LaserPowerHighWarning", 0x1A, 153, 0, 16, 1, One, 'E'),
    ("LaserPowerLowWarning", 0x1A, 155, 0, 16, 1, One, 'E'),
    ("LaneFaultSummary", 0x1A, 165, 2, 1, 1, One, 'E'),
    ("LaneWarningSummary", 0x1A, 165, 3, 1, 1, One, 'E'),
    ("LaneFaultFlags", 0x1A, 166, 0, 8, 4, Bytes(1), 'E'),
    ("LaneWarningFlags", 0x1A, 174, 0, 8, 4, Bytes(1), 'E'),
    ("SaveRestoreCommand", 0x1A, 184, 0, 8, 1, One, 'E'),
    ("SaveRestoreStatus", 0x1A, 185, 0, 8, 1, One, 'E'),
    ("LLaserBiasHighAlarm", 0x1A, 186, 0, 8, 1, One, 'E'),
    ("LLaserBiasLowAlarm", 0x1A, 187, 0, 8, 1, One, 'E'),
    ("LLaserBiasHighWarning", 0x1A, 188, 0, 8, 1, One, 'E'),
    ("LLaserBiasLowWarning", 0x1A, 189, 0, 8, 1, One, 'E'),
    ("LLaserPowerHighAlarm", 0x1A, 190, 0, 8, 1, One, 'E'),
    ("LLaserPowerLowAlarm", 0x1A, 191, 0, 8, 1, One, 'E'),
    ("LLaserPowerHighWarning", 0x1A, 192, 0, 8, 1, One, 'E'),
    ("LLaserPowerLowWarning", 0x1A, 193, 0, 8, 1, One, 'E'),
    ("MLaserBiasHighAlarm", 0x1A, 198, 0, 8, 1, One, 'E'),
    ("MLaserBiasLowAlarm", 0x1A, 199, 0, 8, 1, One, 'E'),
    ("MLaserBiasHighWarning", 0x1A, 200, 0, 8, 1, One, 'E'),
    ("MLaserBiasLowWarning", 0x1A, 201, 0, 8, 1, One, 'E'),
    ("MLaserPowerHighAlarm", 0x1A, 202, 0, 8, 1, One, 'E'),
    ("MLaserPowerLowAlarm", 0x1A, 203, 0, 8, 1, One, 'E'),
    ("MLaserPowerHighWarning", 0x1A, 204, 0, 8, 1, One, 'E'),
    ("MLaserPowerLowWarning", 0x1A, 205, 0, 8, 1, One, 'E'),
    ("GlobalAlarmMask", 0x1A, 210, 0, 8, 1, One, 'E'),
    ("GlobalWarningMask", 0x1A, 211, 0, 8, 1, One, 'E'),
    ("LaserFaultCode", 0x1A, 212, 0, 4, 8, Bytes(1), 'E'),
    ("LaserWarningCode", 0x1A, 212, 4, 4, 8, Bytes(1), 'E'),
    ("LaneEnable", 0x1A, 220, 0, 8, 1, One, 'E'),
    ("LaneState", 0x1A, 221, 0, 2, 8, Bits(2), 'E'),
    ("OutputFiberChecked", 0x1A, 223, 0, 8, 1, One, 'E'),
    ("LaneToFiberMap", 0x1A, 224, 0, 8, 8, Bytes(1), 'E'),
    ("LaneFrequency", 0x1A, 232, 0, 16, 8, Bytes(2), 'E'),
    ("FiberCheckPower", 0x1A, 248, 0, 8, 1, One, 'E'),
    // ELSFP page 1Bh
    ("BiasSetpoint", 0x1B, 128, 0, 16, 8, Bytes(2), 'E'),
    ("PowerSetpoint", 0x1B, 144, 0, 16, 8, Bytes(2), 'E'),
    ("BiasMonitor", 0x1B, 184, 0, 16, 8, Bytes(2), 'E'),
    ("PowerMonitor", 0x1B, 200, 0, 16, 8, Bytes(2), 'E'),
    ("LaneVoltageMonitor", 0x1B, 232, 0, 8, 8, Bytes(1), 'E'),
    ("SupplyCurrentMonitor", 0x1B, 240, 0, 16, 1, One, 'E'),
];

#[test]
fn every_field_sits_where_the_public_maps_put_it() {
    let map = EngineConfig::default().register_map();
    for &(name, page, byte, lsb, width, count, layout, source) in TABLE {
        let what = format!("{name} ({source})");
        let f = map
            .field(name)
            .unwrap_or_else(|| panic!("{what}: not in the map"));
        assert_eq!(f.page, page, "{what}: page");
        assert_eq!(f.count, count, "{what}: instances");
        let bits = if f.len > 1 {
            8 * f.len as u16
        } else {
            f.width as u16
        };
        assert_eq!(bits, width, "{what}: width");
        for i in 0..count {
            let l = f.instance(i);
            let (want_byte, want_lsb) = match layout {
                One => (byte, lsb),
                Bytes(n) => (byte + n * i, lsb),
                Bits(n) => {
                    let bit = lsb as u32 + n as u32 * i as u32;
                    (byte + (bit / 8) as u8, (bit % 8) as u8)
                }
            };
            assert_eq!(
                (l.byte, l.lsb),
                (want_byte, want_lsb),
                "{what}: instance {i} (byte, lsb)"
            );
        }
    }
}

/// A field added to the map must be pinned here too.
#[test]
fn the_table_covers_every_field_of_the_map() {
    let map = EngineConfig::default().register_map();
    let missing: Vec<&str> = map
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| !TABLE.iter().any(|r| r.0 == *n))
        .collect();
    assert!(missing.is_empty(), "not pinned: {missing:?}");
    assert_eq!(TABLE.len(), map.fields.len(), "one row per field");
}
