package io.customerpulse.serialization;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;

import java.util.function.Supplier;

/**
 * The snapshot of a {@link RecordSerializer}, carrying the number of its byte layout, so that
 * state written in another layout is refused on restore rather than misread: Flink's
 * {@link SimpleTypeSerializerSnapshot} alone accepts any state of the same serializer class.
 *
 * <p>Layout numbers start at 4: the first layouts were written as the base class's own version,
 * 3, which this class reads as layout 3.
 */
public abstract class LayoutSnapshot<T> extends SimpleTypeSerializerSnapshot<T> {
    private final int currentLayout;
    private int layout;

    protected LayoutSnapshot(Supplier<? extends TypeSerializer<T>> serializer, int currentLayout) {
        super(serializer);
        this.currentLayout = currentLayout;
        this.layout = currentLayout;
    }

    @Override
    public int getCurrentVersion() {
        return currentLayout;
    }

    /** The layout of the state this snapshot describes. */
    public int layout() {
        return layout;
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) {
        layout = readVersion; // the version is the layout; nothing else is written
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> previous) {
        return previous.getClass() == getClass() && ((LayoutSnapshot<T>) previous).layout == currentLayout
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
