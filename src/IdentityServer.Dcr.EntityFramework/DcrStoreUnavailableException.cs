// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework;

/// <summary>
/// Raised by the EF Core registration store when the database cannot be reached or does not answer in time
/// (connection refused, timeout, broken connection, any database error that is not a mapped conflict). Endpoints
/// answer 503; nothing was written. The store keeps no broken state: the next call opens a fresh connection.
/// </summary>
public sealed class DcrStoreUnavailableException : DcrInfrastructureException
{
    /// <summary>Creates the exception.</summary>
    public DcrStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    public DcrStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without secrets.</param>
    /// <param name="innerException">The underlying fault.</param>
    public DcrStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
