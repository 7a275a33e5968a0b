namespace MesaLab.Experiments;

/// <summary>How to start the <c>mesalab</c> command in another process: an executable and the arguments before the verb (e.g. <c>dotnet mesalab.dll</c>).</summary>
public sealed record MesalabCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>The full argument list for a verb.</summary>
    public IReadOnlyList<string> Arguments(params string[] verb) => [.. Prefix, .. verb];

    /// <summary>The command with <paramref name="verb"/> as one line for a POSIX shell, every word quoted.</summary>
    public string ShellLine(params string[] verb) => string.Join(' ', new[] { FileName }.Concat(Arguments(verb)).Select(Quote));

    /// <summary>A word quoted for a POSIX shell (words made only of safe characters stay as they are).</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '=' or ':' or ',' or '+' or '@')
            ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
