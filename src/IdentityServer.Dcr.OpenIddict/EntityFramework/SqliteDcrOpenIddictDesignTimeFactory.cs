// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore.Design;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>For <c>dotnet ef migrations add … --context SqliteDcrOpenIddictDbContext</c>.</summary>
internal sealed class SqliteDcrOpenIddictDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDcrOpenIddictDbContext>
{
    public SqliteDcrOpenIddictDbContext CreateDbContext(string[] args)
        => (SqliteDcrOpenIddictDbContext)DcrOpenIddictDbContextOptionsFactory.CreateSqlite("Data Source=oidc_design_time.db");
}
