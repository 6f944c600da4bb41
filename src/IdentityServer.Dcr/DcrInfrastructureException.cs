// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

/// <summary>
/// Raised when a dependency the bank operates or relies on (a trust anchor's or TPP's JWKS host, the
/// registration store) cannot answer. This is never the client's fault: endpoints answer 503 with a
/// <c>Retry-After</c> header, and nothing is stored.
/// </summary>
public class DcrInfrastructureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DcrInfrastructureException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public DcrInfrastructureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying fault.</param>
    public DcrInfrastructureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
