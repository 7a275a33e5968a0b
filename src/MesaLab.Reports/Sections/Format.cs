namespace MesaLab.Reports.Sections;

using System.Globalization;

/// <summary>Number formatting shared by report tables (invariant culture, so reports read the same everywhere).</summary>
internal static class Format
{
    public static string Number(double v, string format = "0.###") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);
    public static string Int(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
    public static string Share(Estimate e) => e.Format("0.00");

    public static string Outcome(OutcomeClass c) => c switch
    {
        OutcomeClass.CapabilityFailure => "capability failure",
        OutcomeClass.ObjectiveGeneralized => "objective generalized",
        _ => "objective misgeneralized",
    };
}
