namespace MesaLab.Cli.Options;

using MesaLab.Experiments;

/// <summary>How this <c>mesalab</c> is started again in another process (a study's workers, a Slurm task).</summary>
public static class MesalabCommands
{
    /// <summary>
    /// The running command: its apphost when mesalab was started through it, otherwise <c>dotnet mesalab.dll</c>
    /// with the same dotnet (under <c>dotnet run</c>, in tests).
    /// </summary>
    public static MesalabCommand Current()
    {
        string dll = typeof(Cli).Assembly.Location;
        string? process = Environment.ProcessPath;
        bool viaDotnet = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet";
        if (System.Reflection.Assembly.GetEntryAssembly() == typeof(Cli).Assembly && process is not null && !viaDotnet)
            return new MesalabCommand(process, []);
        string dotnet = viaDotnet ? process!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new MesalabCommand(dotnet, [dll]);
    }
}
