using System;
using IdentityServer.Dcr.EntityFramework.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IdentityServer.Dcr.EntityFramework.Migrations.PostgreSql
{
    /// <inheritdoc />
    // Hand edit: schema-aware, like InitialCreate (the configured schema is handed in at run time).
    public partial class ClientDisabling : Migration, IDcrSchemaAwareMigration
    {
        private string _schema;

        string IDcrSchemaAwareMigration.Schema { set => _schema = value; }

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DisabledAt",
                schema: _schema,
                table: "DcrClientRegistrations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Actor",
                schema: _schema,
                table: "DcrAuditRecords",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DisabledAt",
                schema: _schema,
                table: "DcrClientRegistrations");

            migrationBuilder.DropColumn(
                name: "Actor",
                schema: _schema,
                table: "DcrAuditRecords");
        }
    }
}
