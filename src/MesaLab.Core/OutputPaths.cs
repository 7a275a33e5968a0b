namespace MesaLab.Core;

/// <summary>
/// Checks, before any work starts, that a file the user named can be written: its directory exists or can be made,
/// and a file can be created in it. A path that cannot is a <see cref="UserError"/> naming the option and the path.
/// </summary>
public static class OutputPaths
{
    /// <summary>Checks that <paramref name="file"/> can be written; <paramref name="option"/> names where the path came from (e.g. <c>--out</c>).</summary>
    public static void CheckWritable(string file, string option)
    {
        string full;
        try { full = Path.GetFullPath(file); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserError($"{option} '{file}' is not a usable path ({e.Message.TrimEnd('.')}).", e);
        }
        CheckDirectory(Path.GetDirectoryName(full)!, option, file);
        if (Directory.Exists(full)) throw new UserError($"{option} '{file}' is a directory; give a file path.");
    }

    /// <summary>Checks that files can be created in <paramref name="directory"/> (made if missing).</summary>
    public static void CheckDirectory(string directory, string option, string? named = null)
    {
        named ??= directory;
        try
        {
            if (File.Exists(directory)) throw new UserError($"{option} '{named}': '{directory}' is a file, not a directory.");
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".mesalab-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserError($"{option} '{named}' cannot be written: {e.Message.TrimEnd('.')}.", e);
        }
    }
}
