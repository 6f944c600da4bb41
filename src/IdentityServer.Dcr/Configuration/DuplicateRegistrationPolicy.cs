// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>What happens when a software statement whose <c>software_id</c> is already registered is presented again.</summary>
public enum DuplicateRegistrationPolicy
{
    /// <summary>Create another client: the specification lets banks allow several registrations per software.</summary>
    Allow = 0,

    /// <summary>Refuse with <c>invalid_client_metadata</c>: one client per <c>software_id</c>; TPPs update it with PUT.</summary>
    Reject = 1,
}
