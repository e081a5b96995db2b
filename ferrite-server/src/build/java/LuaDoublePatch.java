import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step (process-classes): writes org/luaj/vm2/LuaDouble.class into the server's classes
 * with one method changed. LuaJ 3.0.1 turns a non-integral number into text through a float
 * (tostring(1/3) is "0.33333334", 1e100 becomes "Infinity"), and every number-to-string path
 * (tostring, .., string.format %s) ends in LuaDouble.tojstring(). Its body becomes a call to
 * Ferrite's Lua 5.1 formatter (printf "%.14g"): io.ferrite.server.scripting.LuaNumberText.of(v).
 *
 * <p>Run by Maven with the JDK's source launcher: java -cp CLASSPATH LuaDoublePatch.java OUTDIR,
 * CLASSPATH holding luaj-jse. The class-file API is the JDK's own (java.lang.classfile).
 */
public final class LuaDoublePatch {
    private static final String CLASS = "org/luaj/vm2/LuaDouble.class";

    public static void main(String[] args) throws IOException {
        ClassDesc text = ClassDesc.of("io.ferrite.server.scripting.LuaNumberText");

        ClassDesc luaDouble = ClassDesc.of("org.luaj.vm2.LuaDouble");
        patch(args[0], CLASS, "tojstring", "()Ljava/lang/String;", code -> code
                .aload(0)
                .getfield(luaDouble, "v", ConstantDescs.CD_double)
                .invokestatic(text, "of", MethodTypeDesc.of(ConstantDescs.CD_String, ConstantDescs.CD_double))
                .areturn(), "tojstring() formats as Lua 5.1 (%.14g)");
    }

    /** Writes className (from the classpath) into outDir with the body of one method replaced. */
    private static void patch(String outDir, String className, String method, String type,
                              java.util.function.Consumer<java.lang.classfile.CodeBuilder> body, String what) throws IOException {
        byte[] original;
        try (InputStream in = ClassLoader.getSystemResourceAsStream(className)) {
            if (in == null) throw new IllegalStateException(className + " is not on the classpath");
            original = in.readAllBytes();
        }
        ClassFile cf = ClassFile.of();
        int[] replaced = {0};
        ClassTransform transform = (builder, element) -> {
            if (element instanceof MethodModel m && m.methodName().equalsString(method) && m.methodType().equalsString(type)) {
                builder.withMethod(m.methodName(), m.methodType(), m.flags().flagsMask(), mb -> mb.withCode(body));
                replaced[0]++;
            } else {
                builder.with(element);
            }
        };
        byte[] patched = cf.transformClass(cf.parse(original), transform);
        if (replaced[0] != 1) throw new IllegalStateException(className + ": " + method + type + " not found exactly once");
        Path out = Path.of(outDir).resolve(className);
        Files.createDirectories(out.getParent());
        Files.write(out, patched);
        System.out.println("[LuaDoublePatch] " + out + ": " + what);
    }
}
