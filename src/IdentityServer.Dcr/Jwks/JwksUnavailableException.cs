// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Raised when a JWKS host cannot be reached (connection refused, DNS failure, TLS failure, time-out) and no cached
/// copy of its key set holds the requested key. Endpoints answer 503: this is not the client's fault.
/// </summary>
public sealed class JwksUnavailableException : DcrInfrastructureException
{
    /// <summary>Creates the exception.</summary>
    public JwksUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public JwksUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying fault.</param>
    public JwksUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a JWKS host.</summary>
    /// <param name="host">The host of the JWKS URL.</param>
    /// <param name="detail">What failed, without secrets, for example <c>timed out after 00:00:05</c>.</param>
    /// <param name="innerException">The underlying fault.</param>
    public JwksUnavailableException(string host, string detail, Exception innerException)
        : base($"The JWKS host '{host}' could not be reached: {detail}.", innerException)
    {
        Host = host;
    }

    /// <summary>The host of the JWKS URL, or <see langword="null"/> when created without one.</summary>
    public string? Host { get; }
}
