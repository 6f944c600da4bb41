// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Stores;

/// <summary>The outcome of a write to <see cref="IClientRegistrationStore"/>.</summary>
public enum StoreWriteResult
{
    /// <summary>Written.</summary>
    Success = 0,

    /// <summary>The request token (<c>iss</c>, <c>jti</c>) was already used: nothing written.</summary>
    RequestTokenReplayed = 1,

    /// <summary>The registration changed since it was read: nothing written.</summary>
    ConcurrencyConflict = 2,

    /// <summary>The registration does not exist: nothing written.</summary>
    NotFound = 3,

    /// <summary>The <c>software_id</c> is already registered and uniqueness was required: nothing written.</summary>
    DuplicateSoftware = 4,
}
