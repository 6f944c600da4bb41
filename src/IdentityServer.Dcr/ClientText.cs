// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

/// <summary>
/// Makes text a client chose (a <c>kid</c>, a <c>jti</c>, a client identifier, a claim) fit for a log line or an error
/// description: bounded, with control, format and separator characters escaped, so that it cannot forge log lines,
/// reorder text with bidi controls or flood a log. Every plug-in writes client values through it.
/// </summary>
public static class ClientText
{
    /// <summary>The bound used when none is given.</summary>
    public const int DefaultMaxLength = 80;

    /// <summary>The client's text, escaped and cut after about <paramref name="maxLength"/> characters with an ellipsis.</summary>
    /// <param name="value">The client's text, or <see langword="null"/> (written as <c>(none)</c>).</param>
    /// <param name="maxLength">The most characters written before the ellipsis.</param>
    /// <returns>The text to write.</returns>
    public static string Sanitize(string? value, int maxLength = DefaultMaxLength) => DcrErrorDescriptions.Truncate(value, maxLength);
}
