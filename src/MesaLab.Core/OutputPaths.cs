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
        string full;
        try { full = Path.GetFullPath(directory); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserError($"{option} '{named}' is not a usable path ({e.Message.TrimEnd('.')}).", e);
        }
        if (File.Exists(full)) throw new UserError($"{option} '{named}': '{directory}' is a file, not a directory.");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserError($"{option} '{named}': the directory '{full}' cannot be created ({Reason(e)}).", e);
        }
        try
        {
            var probe = Path.Combine(full, $".mesalab-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserError($"{option} '{named}': no file can be written in '{full}' ({Reason(e)}).", e);
        }
    }

    /// <summary>Checks, before any work, that a file the user named exists and can be read; <paramref name="option"/> names where the path came from.</summary>
    public static void CheckReadable(string file, string option)
    {
        if (Directory.Exists(file)) throw new UserError($"{option} '{file}' is a directory; give a file.");
        if (!File.Exists(file)) throw new UserError($"{option} '{file}' does not exist.");
        try
        {
            using var _ = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserError($"{option} '{file}' cannot be read ({Reason(e)}).", e);
        }
    }

    /// <summary>Why a file operation failed, in a few words: permission, read-only or full file system, or the system's message.</summary>
    public static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException io when (io.HResult & 0xFFFF) == 30 => "the file system is read-only",
        IOException io when (io.HResult & 0xFFFF) == 28 => "no space left on the device",
        FileNotFoundException or DirectoryNotFoundException => "the file system does not allow it there",
        _ => e.Message.TrimEnd('.'),
    };
}
