// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Thrown by the connect guard of the software JWKS client when a host resolves only to addresses the
/// <see cref="NetworkAddressPolicy"/> refuses. The handler wraps it in an <see cref="HttpRequestException"/>; the
/// resolver finds it in the chain and answers <see cref="JwksLookupStatus.Refused"/> rather than 503.
/// </summary>
internal sealed class JwksAddressRefusedException : HttpRequestException
{
    public JwksAddressRefusedException()
    {
    }

    public JwksAddressRefusedException(string host)
        : base($"The host '{host}' does not resolve to a public address.")
    {
        Host = host;
    }

    public JwksAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Host { get; }

    /// <summary>Finds the refusal in an exception chain.</summary>
    public static JwksAddressRefusedException? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is JwksAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
