namespace MesaLab.Core;

/// <summary>
/// An error a user can cause and fix (bad config, unknown name, value out of range). Its message is one
/// sentence naming the file or field and the allowed values; the command line prints it without a stack
/// trace and exits with code 2.
/// </summary>
public sealed class UserError(string message, Exception? inner = null) : Exception(message, inner);
