namespace MesaLab.Cli.Rendering;

using Spectre.Console;

/// <summary>Spectre consoles that write tables to a verb's stdout writer.</summary>
public static class Tables
{
    /// <summary>
    /// A console on <paramref name="o"/> (tests capture it): colours and width detection only on a real terminal,
    /// otherwise plain text wide enough that piped tables are not wrapped.
    /// </summary>
    public static IAnsiConsole Console(TextWriter o)
    {
        bool terminal = ReferenceEquals(o, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(o),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal) console.Profile.Width = 200;
        return console;
    }
}
