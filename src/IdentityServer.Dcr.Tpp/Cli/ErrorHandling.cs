// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json;
using Jose;

namespace IdentityServer.Dcr.Tpp.Cli;

/// <summary>
/// Turns failures into exit codes: an expected failure prints <c>error: &lt;cause&gt;</c> on one line and exits 1, with
/// no stack trace; a bug says so, with its stack trace only under <c>--verbose</c>.
/// </summary>
internal static class ErrorHandling
{
    public const int Failed = 1;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(TppConsole console, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (TppException ex)
        {
            console.Error.WriteLine("error: " + ex.Message);
            return Failed;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("error: cancelled.");
            return Cancelled;
        }
        catch (Exception ex) when (
            ex is IOException or UnauthorizedAccessException or CryptographicException or JsonException or JoseException or HttpRequestException)
        {
            console.Error.WriteLine("error: " + ex.Message.ReplaceLineEndings(" "));
            return Failed;
        }
#pragma warning disable CA1031 // The last resort of a command-line tool: report the bug instead of crashing with an unhandled exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console.Error.WriteLine(
                $"error: unexpected {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} (a bug in "
                + $"obie-tpp{(console.Verbose ? "" : "; --verbose shows the stack trace")})");
            if (console.Verbose)
            {
                console.Error.WriteLine(ex);
            }

            return Failed;
        }
    }
}
